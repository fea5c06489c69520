package io.shoreloop.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shoreloop.platform.ShoreloopConfig;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The avoided-emission and cost arithmetic against figures worked out by hand, without Quarkus. */
class EmissionFactorsTest {

    static BigDecimal d(String v) {
        return new BigDecimal(v);
    }

    /** quality.md's defaults: 0.215 kg fuel/kWh, 3.206 kg CO₂/kg fuel, grid 0.5703 kg CO₂/kWh. */
    static EmissionFactors national() {
        return new EmissionFactors(
                null,
                d("0.215"),
                d("3.206"),
                d("0.001"),
                "TIER_II",
                1500,
                EmissionFactors.noxLimitGPerKwh("TIER_II", 1500),
                d("0.5703"),
                BigDecimal.ZERO,
                BigDecimal.ZERO,
                d("8.0"),
                d("0.65"),
                d("0.30"),
                BigDecimal.ZERO);
    }

    static BigDecimal r3(BigDecimal v) {
        return v.setScale(3, RoundingMode.HALF_UP);
    }

    @Test
    void oneThousandKwhAtTheNationalDefaults() {
        EmissionFactors.Avoided a = national().avoided(d("1000"));
        // fuel 215 kg; CO2 215 × 3.206 = 689.29 kg from the generator, 570.3 kg from the grid
        assertEquals(d("118.990"), r3(a.co2Kg()));
        // SO2: 215 kg × 0.001 % × 2 = 0.0043 kg
        assertEquals(d("0.004"), r3(a.so2Kg()));
        assertEquals(0, d("0.0043").compareTo(a.so2Kg()));
        // NOx Tier II at 1500 rpm: 44 × 1500^-0.23 = 8.184 g/kWh → 8.184 kg
        assertEquals(d("8.184"), r3(a.noxKg()));
        // cost: 215 kg × 8.0 CNY = 1720 CNY of fuel against 1000 × 0.95 CNY of shore power
        assertEquals(0, d("770").compareTo(a.costCny()));
    }

    @Test
    void theTierLimitsOfMarpolAnnexVi() {
        assertEquals(d("17.000"), EmissionFactors.noxLimitGPerKwh("TIER_I", 129));
        assertEquals(d("10.423"), EmissionFactors.noxLimitGPerKwh("TIER_I", 1500));
        assertEquals(d("9.800"), EmissionFactors.noxLimitGPerKwh("TIER_I", 2000));
        assertEquals(d("14.400"), EmissionFactors.noxLimitGPerKwh("TIER_II", 100));
        assertEquals(d("9.689"), EmissionFactors.noxLimitGPerKwh("TIER_II", 720));
        assertEquals(d("7.700"), EmissionFactors.noxLimitGPerKwh("tier_ii", 2400));
        assertEquals(d("3.400"), EmissionFactors.noxLimitGPerKwh("TIER_III", 100));
        assertEquals(d("2.085"), EmissionFactors.noxLimitGPerKwh("TIER_III", 1500));
        assertEquals(d("2.000"), EmissionFactors.noxLimitGPerKwh("TIER_III", 3000));
        assertThrows(IllegalArgumentException.class, () -> EmissionFactors.noxLimitGPerKwh("TIER_IV", 1500));
        assertThrows(IllegalArgumentException.class, () -> EmissionFactors.noxLimitGPerKwh("TIER_II", 0));
    }

    @Test
    void aProvinceOverridesOnlyTheKeysItSets() {
        Config config = new Config(Map.of(
                "testland",
                new Province(Optional.of(d("0.3")), Optional.of(d("0.1")), Optional.of(d("0.5")), Optional.empty())));
        EmissionFactors t = EmissionFactors.of(config, "testland");
        assertEquals("testland", t.province());
        assertEquals(d("0.3"), t.gridCo2KgPerKwh());
        assertEquals(d("0.1"), t.fuelSulphurPercent());
        assertEquals(d("0.5"), t.tariffEnergyCnyPerKwh());
        assertEquals(d("0.215"), t.auxSfocKgPerKwh());
        assertEquals(d("8.184"), t.auxNoxGPerKwh());

        // 45 kWh: fuel 9.675 kg; CO2 31.01805 − 13.5; SO2 9.675 × 0.1 % × 2; NOx 45 × 8.184 g; cost 77.40 − 45 × 0.80
        EmissionFactors.Avoided a = t.avoided(d("45.000"));
        assertEquals(d("17.518"), r3(a.co2Kg()));
        assertEquals(0, d("0.01935").compareTo(a.so2Kg()));
        assertEquals(d("0.368"), r3(a.noxKg()));
        assertEquals(0, d("41.40").compareTo(a.costCny()));

        EmissionFactors unknown = EmissionFactors.of(config, "elsewhere");
        assertNull(unknown.province());
        assertEquals(d("0.5703"), unknown.gridCo2KgPerKwh());
        assertEquals(EmissionFactors.of(config, null), unknown);
        assertEquals(
                d("1"),
                EmissionFactors.of(
                                new Config(Map.of(
                                        "x",
                                        new Province(
                                                Optional.empty(),
                                                Optional.empty(),
                                                Optional.empty(),
                                                Optional.of(d("1"))))),
                                "x")
                        .gridNoxKgPerKwh());
    }

    @Test
    void gridSo2AndNoxAndWaiversAreSubtracted() {
        EmissionFactors f = national();
        EmissionFactors withGrid = new EmissionFactors(
                null,
                f.auxSfocKgPerKwh(),
                f.fuelCo2KgPerKg(),
                d("0.5"),
                f.engineTier(),
                f.engineRpm(),
                f.auxNoxGPerKwh(),
                f.gridCo2KgPerKwh(),
                d("0.0002"),
                d("0.0003"),
                f.fuelPriceCnyPerKg(),
                f.tariffEnergyCnyPerKwh(),
                f.tariffServiceCnyPerKwh(),
                d("0.25"));
        EmissionFactors.Avoided a = withGrid.avoided(d("100"));
        // SO2: 21.5 kg fuel × 0.5 % × 2 = 0.215 kg, minus 100 × 0.0002 = 0.02
        assertEquals(0, d("0.195").compareTo(a.so2Kg()));
        // NOx: 0.8184 kg minus 0.03
        assertEquals(0, d("0.7884").compareTo(a.noxKg()));
        // cost: 172 − 100 × (0.65 + 0.30 − 0.25)
        assertEquals(0, d("102").compareTo(a.costCny()));
        assertEquals(
                0, BigDecimal.ZERO.compareTo(withGrid.avoided(BigDecimal.ZERO).co2Kg()));
    }

    record Province(
            Optional<BigDecimal> grid,
            Optional<BigDecimal> sulphur,
            Optional<BigDecimal> energy,
            Optional<BigDecimal> nox)
            implements ShoreloopConfig.Emissions.Province {
        public Optional<BigDecimal> auxSfocKgPerKwh() {
            return Optional.empty();
        }

        public Optional<BigDecimal> fuelCo2KgPerKg() {
            return Optional.empty();
        }

        public Optional<BigDecimal> fuelSulphurPercent() {
            return sulphur;
        }

        public Optional<String> engineTier() {
            return Optional.empty();
        }

        public Optional<Integer> engineRpm() {
            return Optional.empty();
        }

        public Optional<BigDecimal> gridCo2KgPerKwh() {
            return grid;
        }

        public Optional<BigDecimal> gridSo2KgPerKwh() {
            return Optional.empty();
        }

        public Optional<BigDecimal> gridNoxKgPerKwh() {
            return nox;
        }

        public Optional<BigDecimal> fuelPriceCnyPerKg() {
            return Optional.empty();
        }

        public Optional<BigDecimal> tariffEnergyCnyPerKwh() {
            return energy;
        }

        public Optional<BigDecimal> tariffServiceCnyPerKwh() {
            return Optional.empty();
        }

        public Optional<BigDecimal> tariffWaiverCnyPerKwh() {
            return Optional.empty();
        }
    }

    /** The national defaults of application.properties, with these provinces. */
    record Config(Map<String, ShoreloopConfig.Emissions.Province> provinces) implements ShoreloopConfig.Emissions {
        public BigDecimal auxSfocKgPerKwh() {
            return d("0.215");
        }

        public BigDecimal fuelCo2KgPerKg() {
            return d("3.206");
        }

        public BigDecimal fuelSulphurPercent() {
            return d("0.001");
        }

        public String engineTier() {
            return "TIER_II";
        }

        public int engineRpm() {
            return 1500;
        }

        public BigDecimal gridCo2KgPerKwh() {
            return d("0.5703");
        }

        public BigDecimal gridSo2KgPerKwh() {
            return BigDecimal.ZERO;
        }

        public BigDecimal gridNoxKgPerKwh() {
            return BigDecimal.ZERO;
        }

        public BigDecimal fuelPriceCnyPerKg() {
            return d("8.0");
        }

        public BigDecimal tariffEnergyCnyPerKwh() {
            return d("0.65");
        }

        public BigDecimal tariffServiceCnyPerKwh() {
            return d("0.30");
        }

        public BigDecimal tariffWaiverCnyPerKwh() {
            return BigDecimal.ZERO;
        }
    }
}
