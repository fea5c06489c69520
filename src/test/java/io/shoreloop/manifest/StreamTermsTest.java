package io.shoreloop.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.registry.Stream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each stream's tolerance and deadlines: its own where configured, else the general ones; nonsense refused. */
class StreamTermsTest {

    private static final ShoreloopConfig.StreamRules NONE = rules(null, null, null, null);

    @Test
    void aStreamTakesItsOwnRulesAndTheGeneralOnesForTheRest() {
        var config = config(
                new BigDecimal("10"),
                rules(new BigDecimal("5"), null, Duration.ofHours(24), null),
                rules(null, null, null, Duration.ofDays(7)));
        var terms = StreamTerms.resolve(config);
        assertEquals(
                new StreamTerms.Terms(
                        new BigDecimal("5"), Duration.ofHours(2), Duration.ofHours(24), Duration.ofDays(30)),
                terms.get(Stream.OILY_WATER));
        assertEquals(
                new StreamTerms.Terms(
                        new BigDecimal("10"), Duration.ofHours(2), Duration.ofHours(72), Duration.ofDays(7)),
                terms.get(Stream.GARBAGE));
        for (Stream general : new Stream[] {Stream.SEWAGE, Stream.TANK_WASHING}) {
            assertEquals(
                    new StreamTerms.Terms(
                            new BigDecimal("10"), Duration.ofHours(2), Duration.ofHours(72), Duration.ofDays(30)),
                    terms.get(general));
        }
    }

    @Test
    void aNegativeToleranceOrADeadlineThatIsNotPositiveIsRefusedWithItsSettingsName() {
        var e = assertThrows(
                IllegalStateException.class,
                () -> StreamTerms.resolve(config(new BigDecimal("-1"), rules(null, Duration.ZERO, null, null), NONE)));
        assertTrue(e.getMessage().contains("shoreloop.manifest.oily-water.receipt-deadline"), e.getMessage());
        assertTrue(e.getMessage().contains("shoreloop.manifest.tolerance-percent is negative"), e.getMessage());
    }

    private static ShoreloopConfig.StreamRules rules(
            BigDecimal tolerance, Duration receipt, Duration pickup, Duration disposal) {
        return new ShoreloopConfig.StreamRules() {
            @Override
            public Optional<BigDecimal> tolerancePercent() {
                return Optional.ofNullable(tolerance);
            }

            @Override
            public Optional<Duration> receiptDeadline() {
                return Optional.ofNullable(receipt);
            }

            @Override
            public Optional<Duration> pickupDeadline() {
                return Optional.ofNullable(pickup);
            }

            @Override
            public Optional<Duration> disposalDeadline() {
                return Optional.ofNullable(disposal);
            }
        };
    }

    /** The general rules at their defaults (but the tolerance), oily water's and garbage's own as given. */
    private static ShoreloopConfig.Manifests config(
            BigDecimal tolerance, ShoreloopConfig.StreamRules oilyWater, ShoreloopConfig.StreamRules garbage) {
        return new ShoreloopConfig.Manifests() {
            @Override
            public BigDecimal tolerancePercent() {
                return tolerance;
            }

            @Override
            public Duration receiptDeadline() {
                return Duration.ofHours(2);
            }

            @Override
            public Duration pickupDeadline() {
                return Duration.ofHours(72);
            }

            @Override
            public Duration disposalDeadline() {
                return Duration.ofDays(30);
            }

            @Override
            public Duration discrepancyDeadline() {
                return Duration.ofDays(15);
            }

            @Override
            public ShoreloopConfig.StreamRules sewage() {
                return NONE;
            }

            @Override
            public ShoreloopConfig.StreamRules oilyWater() {
                return oilyWater;
            }

            @Override
            public ShoreloopConfig.StreamRules tankWashing() {
                return NONE;
            }

            @Override
            public ShoreloopConfig.StreamRules garbage() {
                return garbage;
            }
        };
    }
}
