package io.mallard.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The weather stations of the One Billion Row Challenge generator (gunnarmorling/1brc,
 * {@code CreateMeasurements.java}), loaded from {@code stations.csv} ({@code name;mean}).
 * That list has 413 entries with 413 distinct names (the challenge text speaks of 412/413 stations;
 * we use the list as published).
 */
final class Stations {
    /** One station and its mean temperature in °C. */
    record Station(String name, double mean) {
    }

    private static final List<Station> ALL = load();

    private Stations() {
    }

    /** @return all stations in file order (the order matters: it fixes which station a random index picks) */
    static List<Station> all() {
        return ALL;
    }

    private static List<Station> load() {
        try (InputStream in = Stations.class.getResourceAsStream("stations.csv")) {
            if (in == null) {
                throw new IllegalStateException("resource io/mallard/data/stations.csv missing");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Station> out = new ArrayList<>();
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                // Split at the last ';': some names contain commas ("Washington, D.C."), none contain ';'.
                int sep = line.lastIndexOf(';');
                out.add(new Station(line.substring(0, sep), Double.parseDouble(line.substring(sep + 1))));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
