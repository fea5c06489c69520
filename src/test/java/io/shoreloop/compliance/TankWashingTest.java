package io.shoreloop.compliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoreloop.calls.VesselCall.NlsCategory;
import io.shoreloop.compliance.Verdict.Outcome;
import io.shoreloop.registry.VesselType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tank washing (应洗尽洗), without Quarkus. */
class TankWashingTest {

    static final Instant DEPARTED = Instant.parse("2025-03-01T20:00:00Z");
    static final TankWashing.Cargo PALM_OIL = new TankWashing.Cargo("棕榈油 Palm oil", NlsCategory.Y, true);
    static final TankWashing.Cargo X_CARGO = new TankWashing.Cargo("Category X cargo", NlsCategory.X, false);
    static final TankWashing.Cargo PLAIN_Y = new TankWashing.Cargo("Vegetable oil", NlsCategory.Y, false);
    static final TankWashing.Cargo Z_CARGO = new TankWashing.Cargo("Category Z cargo", NlsCategory.Z, false);
    static final TankWashing.WashingManifest DECLARED =
            new TankWashing.WashingManifest("TW-1", "棕榈油 Palm oil", "RECEIVED", true);
    static final TankWashing.WashingManifest CANCELLED =
            new TankWashing.WashingManifest("TW-2", "棕榈油 Palm oil", "CANCELLED", false);

    private static Verdict aChemicalTankerThatDischarged(
            List<TankWashing.Cargo> cargo, List<TankWashing.WashingManifest> manifests, Instant departure) {
        return TankWashing.judge(new TankWashing.Case(VesselType.CHEMICAL_TANKER, departure, cargo, manifests));
    }

    @Test
    void aSolidifyingYCargoWithoutAWashingManifestIsFlaggedAfterDeparture() {
        Verdict v = aChemicalTankerThatDischarged(List.of(PALM_OIL), List.of(), DEPARTED);
        assertEquals(Outcome.FLAGGED, v.outcome());
        assertTrue(v.reasoning().contains("Palm oil (Y, solidifying/high-viscosity)"), v.reasoning());
    }

    @Test
    void anXCargoWithoutAWashingManifestIsFlagged() {
        assertEquals(
                Outcome.FLAGGED,
                aChemicalTankerThatDischarged(List.of(X_CARGO), List.of(), DEPARTED)
                        .outcome());
    }

    @Test
    void theSameShipStillAtBerthIsPending() {
        assertEquals(
                Outcome.PENDING,
                aChemicalTankerThatDischarged(List.of(PALM_OIL), List.of(), null)
                        .outcome());
    }

    @Test
    void aDeclaredWashingManifestFromTheCallMakesItCompliant() {
        Verdict v = aChemicalTankerThatDischarged(List.of(PALM_OIL), List.of(DECLARED), DEPARTED);
        assertEquals(Outcome.COMPLIANT, v.outcome());
        assertTrue(v.reasoning().contains("TW-1 (RECEIVED)"));
    }

    @Test
    void aCancelledWashingManifestDoesNotCount() {
        Verdict v = aChemicalTankerThatDischarged(List.of(PALM_OIL), List.of(CANCELLED), DEPARTED);
        assertEquals(Outcome.FLAGGED, v.outcome());
        assertTrue(v.reasoning().contains("only drafts, cancelled or refused ones"));
    }

    @Test
    void aPlainYOrZCargoNeedsNoPrewash() {
        assertEquals(
                Outcome.NOT_APPLICABLE,
                aChemicalTankerThatDischarged(List.of(PLAIN_Y, Z_CARGO), List.of(), DEPARTED)
                        .outcome());
    }

    @Test
    void aShipThatIsNotAChemicalTankerIsNotApplicable() {
        assertEquals(
                Outcome.NOT_APPLICABLE,
                TankWashing.judge(new TankWashing.Case(VesselType.OIL_TANKER, DEPARTED, List.of(X_CARGO), List.of()))
                        .outcome());
    }
}
