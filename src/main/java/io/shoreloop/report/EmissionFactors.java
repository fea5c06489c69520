package io.shoreloop.report;

import io.shoreloop.platform.ShoreloopConfig;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Optional;

/**
 * The emission and cost factors applied to one province's shore power (quality.md, "Emission and cost factors"), and
 * the arithmetic of what a kWh from the shore avoids against the ship's auxiliary diesel generator. Plain Java.
 *
 * <p>Per kWh the generator burns {@code auxSfocKgPerKwh} kg of fuel, which emits {@code fuelCo2KgPerKg} kg CO₂ per kg,
 * SO₂ from the fuel's sulphur ({@code fuel × sulphur% / 100 × 64/32}) and NOx at the limit of the engine's IMO tier at
 * its rated speed (MARPOL Annex VI Reg. 13), and costs {@code fuel × fuelPriceCnyPerKg}. The same kWh from the grid
 * emits {@code gridCo2KgPerKwh} (and the grid SO₂/NOx factors, 0 unless configured) and costs the tariff (energy price
 * + service fee − waivers). Avoided = generator − grid, for each.
 *
 * @param province the province key, or {@code null} for the national defaults
 * @param auxNoxGPerKwh the tier's NOx limit at the rated speed, g/kWh (derived, 3 decimals)
 */
public record EmissionFactors(
        String province,
        BigDecimal auxSfocKgPerKwh,
        BigDecimal fuelCo2KgPerKg,
        BigDecimal fuelSulphurPercent,
        String engineTier,
        int engineRpm,
        BigDecimal auxNoxGPerKwh,
        BigDecimal gridCo2KgPerKwh,
        BigDecimal gridSo2KgPerKwh,
        BigDecimal gridNoxKgPerKwh,
        BigDecimal fuelPriceCnyPerKg,
        BigDecimal tariffEnergyCnyPerKwh,
        BigDecimal tariffServiceCnyPerKwh,
        BigDecimal tariffWaiverCnyPerKwh) {

    /** SO₂ weighs twice the sulphur it carries (64 / 32). */
    static final BigDecimal SO2_PER_S = BigDecimal.valueOf(2);

    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    /** What shore power avoided, unrounded (kg and CNY). */
    public record Avoided(BigDecimal co2Kg, BigDecimal so2Kg, BigDecimal noxKg, BigDecimal costCny) {
        public static final Avoided NONE =
                new Avoided(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);

        public Avoided plus(Avoided o) {
            return new Avoided(co2Kg.add(o.co2Kg), so2Kg.add(o.so2Kg), noxKg.add(o.noxKg), costCny.add(o.costCny));
        }
    }

    /** The factors for ports of {@code province} (or the national defaults for {@code null} or an unlisted key). */
    public static EmissionFactors of(ShoreloopConfig.Emissions c, String province) {
        Optional<ShoreloopConfig.Emissions.Province> o = province == null
                ? Optional.empty()
                : Optional.ofNullable(c.provinces().get(province));
        String tier = o.flatMap(ShoreloopConfig.Emissions.Province::engineTier).orElse(c.engineTier());
        int rpm = o.flatMap(ShoreloopConfig.Emissions.Province::engineRpm).orElse(c.engineRpm());
        return new EmissionFactors(
                o.isPresent() ? province : null,
                o.flatMap(ShoreloopConfig.Emissions.Province::auxSfocKgPerKwh).orElse(c.auxSfocKgPerKwh()),
                o.flatMap(ShoreloopConfig.Emissions.Province::fuelCo2KgPerKg).orElse(c.fuelCo2KgPerKg()),
                o.flatMap(ShoreloopConfig.Emissions.Province::fuelSulphurPercent)
                        .orElse(c.fuelSulphurPercent()),
                tier,
                rpm,
                noxLimitGPerKwh(tier, rpm),
                o.flatMap(ShoreloopConfig.Emissions.Province::gridCo2KgPerKwh).orElse(c.gridCo2KgPerKwh()),
                o.flatMap(ShoreloopConfig.Emissions.Province::gridSo2KgPerKwh).orElse(c.gridSo2KgPerKwh()),
                o.flatMap(ShoreloopConfig.Emissions.Province::gridNoxKgPerKwh).orElse(c.gridNoxKgPerKwh()),
                o.flatMap(ShoreloopConfig.Emissions.Province::fuelPriceCnyPerKg).orElse(c.fuelPriceCnyPerKg()),
                o.flatMap(ShoreloopConfig.Emissions.Province::tariffEnergyCnyPerKwh)
                        .orElse(c.tariffEnergyCnyPerKwh()),
                o.flatMap(ShoreloopConfig.Emissions.Province::tariffServiceCnyPerKwh)
                        .orElse(c.tariffServiceCnyPerKwh()),
                o.flatMap(ShoreloopConfig.Emissions.Province::tariffWaiverCnyPerKwh)
                        .orElse(c.tariffWaiverCnyPerKwh()));
    }

    /**
     * The NOx limit of MARPOL Annex VI Reg. 13 for an engine of this tier at this rated speed {@code n} (rpm), g/kWh
     * to 3 decimals: Tier I 17.0 / 45·n^-0.2 / 9.8, Tier II 14.4 / 44·n^-0.23 / 7.7, Tier III 3.4 / 9·n^-0.2 / 2.0 for
     * n &lt; 130, 130 ≤ n &lt; 2000 and n ≥ 2000.
     */
    public static BigDecimal noxLimitGPerKwh(String tier, int rpm) {
        if (rpm <= 0) {
            throw new IllegalArgumentException("engine-rpm must be positive, not " + rpm);
        }
        double[] t = switch (tier == null ? "" : tier.trim().toUpperCase(Locale.ROOT)) {
            case "TIER_I" -> new double[] {17.0, 45, -0.2, 9.8};
            case "TIER_II" -> new double[] {14.4, 44, -0.23, 7.7};
            case "TIER_III" -> new double[] {3.4, 9, -0.2, 2.0};
            default ->
                throw new IllegalArgumentException("engine-tier must be TIER_I, TIER_II or TIER_III, not " + tier);
        };
        double limit = rpm < 130 ? t[0] : rpm < 2000 ? t[1] * Math.pow(rpm, t[2]) : t[3];
        return BigDecimal.valueOf(limit).setScale(3, RoundingMode.HALF_UP);
    }

    /** Fuel the generator would have burnt for {@code kwh}, kg. */
    BigDecimal fuelKg(BigDecimal kwh) {
        return kwh.multiply(auxSfocKgPerKwh);
    }

    /** The shore-power price per kWh: energy + service − waivers. */
    BigDecimal tariffCnyPerKwh() {
        return tariffEnergyCnyPerKwh.add(tariffServiceCnyPerKwh).subtract(tariffWaiverCnyPerKwh);
    }

    /** What {@code kwh} from the shore avoided against the generator (unrounded). */
    public Avoided avoided(BigDecimal kwh) {
        BigDecimal fuel = fuelKg(kwh);
        BigDecimal co2 = fuel.multiply(fuelCo2KgPerKg).subtract(kwh.multiply(gridCo2KgPerKwh));
        BigDecimal so2 = fuel.multiply(fuelSulphurPercent)
                .divide(HUNDRED)
                .multiply(SO2_PER_S)
                .subtract(kwh.multiply(gridSo2KgPerKwh));
        BigDecimal nox = kwh.multiply(auxNoxGPerKwh).divide(THOUSAND).subtract(kwh.multiply(gridNoxKgPerKwh));
        BigDecimal cost = fuel.multiply(fuelPriceCnyPerKg).subtract(kwh.multiply(tariffCnyPerKwh()));
        return new Avoided(co2, so2, nox, cost);
    }
}
