package io.shoreloop.compliance;

import io.shoreloop.calls.VesselCall.NlsCategory;
import io.shoreloop.registry.VesselType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tank washing (应洗尽洗) for one call, as a plain function: a chemical tanker that discharged a cargo needing a
 * prewash — NLS category X, or a category Y cargo flagged solidifying or high-viscosity — must have a tank-washing
 * manifest from that call that was at least declared and neither cancelled nor refused. Until departure a missing
 * manifest is {@code PENDING} (the washing may still happen at berth); after it, {@code FLAGGED}.
 */
public final class TankWashing {

    private TankWashing() {}

    /** A cargo discharged on the call. */
    public record Cargo(String name, NlsCategory category, boolean solidifyingOrHighViscosity) {
        boolean needsPrewash() {
            return category == NlsCategory.X || (category == NlsCategory.Y && solidifyingOrHighViscosity);
        }
    }

    /**
     * A tank-washing manifest of the call.
     *
     * @param counts declared at least, and neither cancelled nor refused
     */
    public record WashingManifest(String number, String cargoName, String state, boolean counts) {}

    public record Case(VesselType vesselType, Instant departure, List<Cargo> cargo, List<WashingManifest> manifests) {
        public Case {
            cargo = List.copyOf(cargo);
            manifests = List.copyOf(manifests);
        }
    }

    public static Verdict judge(Case c) {
        Map<String, Object> f = new LinkedHashMap<>();
        List<Cargo> prewash = c.cargo().stream().filter(Cargo::needsPrewash).toList();
        f.put("cargoNeedingPrewash", prewash.stream().map(Cargo::name).toList());
        f.put(
                "washingManifests",
                c.manifests().stream()
                        .map(m -> Map.of("number", m.number(), "state", m.state(), "counts", m.counts()))
                        .toList());
        if (c.vesselType() != VesselType.CHEMICAL_TANKER) {
            return verdict(Verdict.Outcome.NOT_APPLICABLE, "Not a chemical tanker.", f);
        }
        if (prewash.isEmpty()) {
            return verdict(
                    Verdict.Outcome.NOT_APPLICABLE,
                    "No cargo discharged on the call needs a prewash (category X, or solidifying / high-viscosity Y).",
                    f);
        }
        String cargoes = String.join(
                ", ",
                prewash.stream()
                        .map(x -> x.name() + " (" + x.category()
                                + (x.solidifyingOrHighViscosity() ? ", solidifying/high-viscosity" : "") + ")")
                        .toList());
        List<WashingManifest> counting =
                c.manifests().stream().filter(WashingManifest::counts).toList();
        if (!counting.isEmpty()) {
            return verdict(
                    Verdict.Outcome.COMPLIANT,
                    "Discharged " + cargoes + "; tank-washing manifest "
                            + String.join(
                                    ", ",
                                    counting.stream()
                                            .map(m -> m.number() + " (" + m.state() + ")")
                                            .toList())
                            + " from this call.",
                    f);
        }
        String missing = "Discharged " + cargoes
                + ", which needs a prewash, and no tank-washing manifest from this call" + " was declared"
                + (c.manifests().isEmpty() ? "" : " (only drafts, cancelled or refused ones)");
        if (c.departure() == null) {
            return verdict(Verdict.Outcome.PENDING, missing + " yet; the ship is still at berth.", f);
        }
        return verdict(Verdict.Outcome.FLAGGED, missing + ".", f);
    }

    private static Verdict verdict(Verdict.Outcome outcome, String reasoning, Map<String, Object> figures) {
        return new Verdict(Verdict.Kind.TANK_WASHING, outcome, reasoning, figures);
    }
}
