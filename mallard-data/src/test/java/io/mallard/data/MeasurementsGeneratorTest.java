package io.mallard.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MeasurementsGeneratorTest {
    private static final int ROWS = 20_000;

    @Test
    void stationListMatchesThe1brcGenerator() {
        List<Stations.Station> all = Stations.all();
        assertThat(all).hasSize(413);
        assertThat(all.stream().map(Stations.Station::name).distinct()).hasSize(413);
        assertThat(all.get(0)).isEqualTo(new Stations.Station("Abha", 18.0));
        assertThat(all).contains(new Stations.Station("Washington, D.C.", 14.6), new Stations.Station("Zürich", 9.3),
                new Stations.Station("Flores,  Petén", 26.4));
    }

    @Test
    void deterministicForASeedAndDifferentForAnother() throws Exception {
        try (Connection c = TestDb.memory()) {
            Sql.execute(c, "CREATE SCHEMA a; CREATE SCHEMA b; CREATE SCHEMA x");
            for (String[] run : new String[][] {{"a", "42"}, {"b", "42"}, {"x", "43"}}) {
                Sql.execute(c, "SET schema = '" + run[0] + "'");
                MeasurementsGenerator.generate(c, ROWS, Long.parseLong(run[1]));
            }
            Sql.execute(c, "SET schema = 'main'");
            assertThat(TestDb.count(c, "SELECT count(*) FROM a.measurements")).isEqualTo(ROWS);
            // rowid is part of the comparison: the order must be equal too, since sharding depends on it.
            String a = "SELECT rowid, station, measure FROM a.measurements";
            assertThat(TestDb.count(c, "SELECT count(*) FROM (" + a + " EXCEPT SELECT rowid, station, measure FROM b.measurements)")).isZero();
            assertThat(TestDb.count(c, "SELECT count(*) FROM (" + a + " INTERSECT SELECT rowid, station, measure FROM x.measurements)"))
                    .isLessThan(ROWS / 10);
        }
    }

    @Test
    void rowsFollowTheGeneratorSequenceAcrossBatches() throws Exception {
        int rows = ArrowLoad.BATCH_ROWS * 2 + 123;
        try (Connection c = TestDb.memory()) {
            MeasurementsGenerator.generate(c, rows, 7);
            List<List<String>> actual = TestDb.rows(c, "SELECT station, measure FROM measurements ORDER BY rowid");
            assertThat(actual).hasSize(rows);
            MeasurementsGenerator.RowSource expected = new MeasurementsGenerator.RowSource(7);
            for (int i = 0; i < rows; i++) {
                expected.advance();
                List<String> row = actual.get(i);
                if (!row.get(0).equals(Stations.all().get(expected.station).name())
                        || Double.parseDouble(row.get(1)) != expected.measure) {
                    throw new AssertionError("row " + i + ": " + row + " != " + expected.station + "/" + expected.measure);
                }
            }
        }
    }

    @Test
    void stationsFromTheListAndOneDecimal() throws Exception {
        try (Connection c = TestDb.memory()) {
            MeasurementsGenerator.generate(c, ROWS, 1);
            assertThat(TestDb.columns(c, "memory", "measurements"))
                    .containsExactly(new ColumnSpec("station", "VARCHAR"), new ColumnSpec("measure", "DOUBLE"));
            Set<String> names = Stations.all().stream().map(Stations.Station::name).collect(Collectors.toSet());
            List<List<String>> perStation = TestDb.rows(c,
                    "SELECT station, count(*), avg(measure), stddev_pop(measure) FROM measurements GROUP BY station");
            assertThat(perStation).allSatisfy(r -> assertThat(names).contains(r.get(0)));
            // Uniform over 413 stations: with 20k rows nearly all occur.
            assertThat(perStation.size()).isGreaterThan(400);
            for (List<String> r : TestDb.rows(c, "SELECT measure FROM measurements")) {
                double v = Double.parseDouble(r.get(0));
                assertThat(Math.round(v * 10) / 10.0).isEqualTo(v);
            }
            // mean + N(0, 10): the overall deviation from each station's mean is ~10.
            Sql.execute(c, "CREATE TABLE st (name VARCHAR, mean DOUBLE)");
            for (Stations.Station s : Stations.all()) {
                Sql.execute(c, "INSERT INTO st VALUES (" + Sql.literal(s.name()) + ", " + s.mean() + ")");
            }
            double sd = Double.parseDouble(TestDb.rows(c,
                    "SELECT sqrt(avg((measure - mean) ^ 2)) FROM measurements JOIN st ON station = name").get(0).get(0));
            assertThat(sd).isBetween(9.5, 10.5);
        }
    }

    @Test
    void zeroRows() throws Exception {
        try (Connection c = TestDb.memory()) {
            MeasurementsGenerator.generate(c, 0, 1);
            assertThat(TestDb.count(c, "SELECT count(*) FROM measurements")).isZero();
        }
    }
}
