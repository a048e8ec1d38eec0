package io.mallard.data;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.SplittableRandom;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Generates the One Billion Row Challenge data set: {@code measurements(station VARCHAR, measure DOUBLE)}
 * with a station drawn uniformly from the 1BRC station list and {@code measure = mean + N(0, 10)}
 * rounded to one decimal, exactly as the challenge's own generator does, but deterministic per seed.
 * Rows are bulk-loaded through Arrow's C stream interface: 10M rows take about a second plus generation.
 *
 * <p>Needs the JVM flag {@code --add-opens=java.base/java.nio=ALL-UNNAMED} (rows are loaded through Arrow).
 */
public final class MeasurementsGenerator {
    private MeasurementsGenerator() {
    }

    /**
     * Creates table {@code measurements(station VARCHAR, measure DOUBLE)} in the connection's default
     * schema with {@code rows} rows. The same seed always gives the same rows in the same order (the
     * order matters because the table is sharded by row position).
     *
     * @param duckdb an open DuckDB connection; the table must not exist yet
     * @param rows   number of rows, {@code >= 0}
     * @param seed   random seed
     * @throws SQLException on any DuckDB error
     */
    public static void generate(Connection duckdb, long rows, long seed) throws SQLException {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        }
        TableSpec spec = DatasetDefinitions.measurements().get(0);
        Sql.execute(duckdb, Sql.createTable(spec));

        byte[][] names = Stations.all().stream().map(st -> st.name().getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
        RowSource source = new RowSource(seed);
        long[] remaining = {rows};
        ArrowLoad.insert(duckdb, spec, (vectors, capacity) -> {
            VarCharVector station = (VarCharVector) vectors.get(0);
            Float8Vector measure = (Float8Vector) vectors.get(1);
            int count = (int) Math.min(capacity, remaining[0]);
            for (int i = 0; i < count; i++) {
                source.advance();
                station.setSafe(i, names[source.station]);
                measure.set(i, source.measure);
            }
            remaining[0] -= count;
            return count;
        });
    }

    /**
     * The row sequence for a seed, one row per {@link #advance()}: the station index into
     * {@link Stations#all()} and the measure. Package-private so tests can recompute expected rows.
     */
    static final class RowSource {
        private final double[] means;
        private final SplittableRandom rnd;
        private final Gaussian gauss;
        int station;
        double measure;

        RowSource(long seed) {
            means = Stations.all().stream().mapToDouble(Stations.Station::mean).toArray();
            // SplittableRandom's nextInt/nextDouble algorithms are specified and stable across JDKs, unlike
            // nextGaussian's (RandomGenerator's default changed in JDK 17); Gaussian draws come from our own
            // polar method on top of nextDouble with StrictMath, so the data is bit-for-bit reproducible.
            rnd = new SplittableRandom(seed);
            gauss = new Gaussian(rnd);
        }

        void advance() {
            station = rnd.nextInt(means.length);
            double m = means[station] + 10.0 * gauss.next();
            // Same rounding as the 1BRC generator: one decimal.
            measure = Math.round(m * 10.0) / 10.0;
        }
    }

    /** Marsaglia's polar method; yields standard normal values, two per accepted pair. */
    private static final class Gaussian {
        private final SplittableRandom rnd;
        private double spare;
        private boolean hasSpare;

        Gaussian(SplittableRandom rnd) {
            this.rnd = rnd;
        }

        double next() {
            if (hasSpare) {
                hasSpare = false;
                return spare;
            }
            double u;
            double v;
            double s;
            do {
                u = rnd.nextDouble() * 2.0 - 1.0;
                v = rnd.nextDouble() * 2.0 - 1.0;
                s = u * u + v * v;
            } while (s >= 1.0 || s == 0.0);
            double f = StrictMath.sqrt(-2.0 * StrictMath.log(s) / s);
            spare = v * f;
            hasSpare = true;
            return u * f;
        }
    }
}
