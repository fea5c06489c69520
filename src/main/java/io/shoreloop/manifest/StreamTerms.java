package io.shoreloop.manifest;

import io.quarkus.runtime.Startup;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.registry.Stream;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reconciliation tolerance and the deadlines of each stream's manifests (domain.md: "the stream's tolerance",
 * "deadlines configurable per stream"): the stream's own where configured ({@code shoreloop.manifest.oily-water.
 * pickup-deadline}, {@code SHORELOOP_MANIFEST_OILY_WATER_PICKUP_DEADLINE}), else the general ones. Checked when the
 * application starts: a negative tolerance or a deadline that is not positive stops it with the setting's name.
 */
@Startup
@ApplicationScoped
public class StreamTerms {

    /** One stream's terms. */
    public record Terms(BigDecimal tolerancePercent, Duration receipt, Duration pickup, Duration disposal) {}

    private final Map<Stream, Terms> terms;

    StreamTerms(ShoreloopConfig config) {
        this.terms = resolve(config.manifest());
    }

    /** The terms of a stream's manifests. */
    public Terms of(Stream stream) {
        return terms.get(stream);
    }

    /** Every stream's terms, each rule its own or the general one; refuses values that make no sense. */
    static Map<Stream, Terms> resolve(ShoreloopConfig.Manifests config) {
        Map<Stream, Terms> out = new EnumMap<>(Stream.class);
        List<String> wrong = new ArrayList<>();
        for (Stream stream : Stream.values()) {
            ShoreloopConfig.StreamRules own = own(config, stream);
            String prefix = "shoreloop.manifest." + stream.name().toLowerCase().replace('_', '-') + ".";
            Terms t = new Terms(
                    own.tolerancePercent().orElse(config.tolerancePercent()),
                    own.receiptDeadline().orElse(config.receiptDeadline()),
                    own.pickupDeadline().orElse(config.pickupDeadline()),
                    own.disposalDeadline().orElse(config.disposalDeadline()));
            if (t.tolerancePercent().signum() < 0) {
                wrong.add(name(prefix, own.tolerancePercent(), "tolerance-percent") + " is negative");
            }
            positive(wrong, t.receipt(), name(prefix, own.receiptDeadline(), "receipt-deadline"));
            positive(wrong, t.pickup(), name(prefix, own.pickupDeadline(), "pickup-deadline"));
            positive(wrong, t.disposal(), name(prefix, own.disposalDeadline(), "disposal-deadline"));
            out.put(stream, t);
        }
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("Manifest rules refused: " + String.join("; ", wrong));
        }
        return out;
    }

    private static ShoreloopConfig.StreamRules own(ShoreloopConfig.Manifests config, Stream stream) {
        return switch (stream) {
            case SEWAGE -> config.sewage();
            case OILY_WATER -> config.oilyWater();
            case TANK_WASHING -> config.tankWashing();
            case GARBAGE -> config.garbage();
        };
    }

    /** The setting that gave a value: the stream's own when set, else the general one. */
    private static String name(String streamPrefix, Optional<?> own, String rule) {
        return (own.isPresent() ? streamPrefix : "shoreloop.manifest.") + rule;
    }

    private static void positive(List<String> wrong, Duration d, String setting) {
        if (d.isNegative() || d.isZero()) {
            wrong.add(setting + " is not a positive duration (" + d + ")");
        }
    }
}
