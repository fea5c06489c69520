package io.shoreloop.compliance;

import static io.shoreloop.compliance.ShorePowerFixtures.aChemicalTankerWithAFacility;
import static io.shoreloop.compliance.ShorePowerFixtures.aContainerShipWithAFacility;
import static io.shoreloop.compliance.ShorePowerFixtures.aShipWithoutAFacility;
import static io.shoreloop.compliance.ShorePowerFixtures.hours;
import static io.shoreloop.compliance.ShorePowerFixtures.minutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoreloop.calls.VesselCall.ExemptionReason;
import io.shoreloop.compliance.Verdict.Outcome;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The shore-power duty (Art. 11) at its boundaries, without Quarkus. */
class ShorePowerDutyTest {

    @Test
    void aStayOfExactlyTwoHoursInlandIsNotApplicable() {
        Verdict v = aContainerShipWithAFacility()
                .atAnInlandShorePowerBerth()
                .staying(hours(2))
                .judged();
        assertEquals(Outcome.NOT_APPLICABLE, v.outcome());
        assertTrue(v.reasoning().contains("not more than 2 h"), v.reasoning());
    }

    @Test
    void aStayOfTwoHoursAndOneMinuteInlandWithoutConnectionIsAViolation() {
        Verdict v = aContainerShipWithAFacility()
                .atAnInlandShorePowerBerth()
                .staying(hours(2).plus(minutes(1)))
                .judged();
        assertEquals(Outcome.VIOLATION, v.outcome());
        assertTrue(v.reasoning().contains("2 h 1 min"), v.reasoning());
    }

    @Test
    void aStayOfThreeHoursAtACoastalBerthIsNotApplicableButThreeHoursAndOneMinuteIsAViolation() {
        assertEquals(
                Outcome.NOT_APPLICABLE,
                aContainerShipWithAFacility()
                        .atACoastalShorePowerBerth()
                        .staying(hours(3))
                        .judged()
                        .outcome());
        assertEquals(
                Outcome.VIOLATION,
                aContainerShipWithAFacility()
                        .atACoastalShorePowerBerth()
                        .staying(hours(3).plus(minutes(1)))
                        .judged()
                        .outcome());
    }

    @Test
    void theSameThreeHourStayIsAViolationInlandButNotApplicableOnTheCoast() {
        assertEquals(
                Outcome.VIOLATION,
                aContainerShipWithAFacility()
                        .atAnInlandShorePowerBerth()
                        .staying(hours(3))
                        .judged()
                        .outcome());
        assertEquals(
                Outcome.NOT_APPLICABLE,
                aContainerShipWithAFacility()
                        .atACoastalShorePowerBerth()
                        .staying(hours(3))
                        .judged()
                        .outcome());
    }

    @Test
    void aShipStillAtBerthIsPending() {
        Verdict v = aContainerShipWithAFacility().stillAtBerth().judged();
        assertEquals(Outcome.PENDING, v.outcome());
    }

    @Test
    void aShipStillAtBerthWithoutAFacilityIsAlreadyNotApplicable() {
        assertEquals(
                Outcome.NOT_APPLICABLE,
                aShipWithoutAFacility().stillAtBerth().judged().outcome());
    }

    @Test
    void aShipWithoutAReceivingFacilityIsNotApplicableHoweverLongItStays() {
        Verdict v = aShipWithoutAFacility().staying(hours(20)).judged();
        assertEquals(Outcome.NOT_APPLICABLE, v.outcome());
        assertTrue(v.reasoning().contains("no shore-power receiving facility"));
    }

    @Test
    void aLiquidCargoShipIsExcepted() {
        assertEquals(
                Outcome.NOT_APPLICABLE,
                aChemicalTankerWithAFacility().staying(hours(16)).judged().outcome());
    }

    @Test
    void aChemicalTerminalIsExcepted() {
        Verdict v = aContainerShipWithAFacility()
                .atAChemicalTerminal()
                .staying(hours(16))
                .judged();
        assertEquals(Outcome.NOT_APPLICABLE, v.outcome());
        assertTrue(v.reasoning().contains("terminal"));
    }

    @Test
    void aBerthWithoutShorePowerIsNotApplicable() {
        assertEquals(
                Outcome.NOT_APPLICABLE,
                aContainerShipWithAFacility()
                        .atABerthWithoutShorePower()
                        .staying(hours(8))
                        .judged()
                        .outcome());
    }

    @Test
    void aConnectedShipIsCompliantWithItsTimeCoverage() {
        Verdict v = aContainerShipWithAFacility()
                .staying(hours(4))
                .connected(minutes(30), hours(3), "420.5")
                .judged();
        assertEquals(Outcome.COMPLIANT, v.outcome());
        assertEquals("0.7500", v.figures().get("coverage"));
        assertEquals("3.000", v.figures().get("connectedHours"));
        assertEquals("420.5", v.figures().get("energyKwh"));
        assertTrue(v.reasoning().contains("75.0 %"), v.reasoning());
    }

    @Test
    void connectedTimeJustOutsideTheStayWithinTheToleranceCountsButCoverageStaysAtMostOne() {
        Verdict v = aContainerShipWithAFacility()
                .staying(hours(4))
                .connected(minutes(-10), hours(4).plus(minutes(20)), "600")
                .judged();
        assertEquals(Outcome.COMPLIANT, v.outcome());
        assertEquals("1.0000", v.figures().get("coverage"));
    }

    @Test
    void aSessionEndingBeforeTheToleranceWindowDoesNotCount() {
        Verdict v = aContainerShipWithAFacility()
                .staying(hours(4))
                .connected(hours(-3), hours(2), "100")
                .judged();
        assertEquals(Outcome.VIOLATION, v.outcome());
    }

    @Test
    void overlappingSessionsAreCountedOnce() {
        Verdict v = aContainerShipWithAFacility()
                .staying(hours(4))
                .connected(hours(0), hours(2), "100")
                .connected(hours(1), hours(2), "100")
                .judged();
        assertEquals("3.000", v.figures().get("connectedHours"));
    }

    @Test
    void aShipFaultClaimMakesTheCallExemptWithItsEvidence() {
        Verdict v = aContainerShipWithAFacility()
                .staying(hours(3))
                .claiming(ExemptionReason.SHIP_FAULT, "chief engineer's log p. 12")
                .judged();
        assertEquals(Outcome.EXEMPT, v.outcome());
        assertEquals("SHIP_FAULT", v.figures().get("claimReason"));
        assertTrue(v.reasoning().contains("chief engineer's log p. 12"));
    }

    @Test
    void aClaimDoesNotMatterWhenTheShipConnected() {
        assertEquals(
                Outcome.COMPLIANT,
                aContainerShipWithAFacility()
                        .staying(hours(3))
                        .connected(hours(0), hours(1), "50")
                        .claiming(ExemptionReason.WEATHER, null)
                        .judged()
                        .outcome());
    }

    @Test
    void aShoreFaultClaimWithoutARecordedFaultIsAViolation() {
        Verdict v = aContainerShipWithAFacility()
                .staying(hours(3))
                .claiming(ExemptionReason.SHORE_FAULT, "photo")
                .judged();
        assertEquals(Outcome.VIOLATION, v.outcome());
        assertTrue(v.reasoning().contains("no berth or meter fault is recorded"));
    }

    @Test
    void aShoreFaultRecordedBeforeTheStayDoesNotCount() {
        assertEquals(
                Outcome.VIOLATION,
                aContainerShipWithAFacility()
                        .staying(hours(3))
                        .claiming(ExemptionReason.SHORE_FAULT, null)
                        .withABerthFault(hours(-5), hours(4))
                        .judged()
                        .outcome());
    }

    @Test
    void aShoreFaultOverThePartOfTheStayThatLeavesNoLongFaultFreeStretchIsExempt() {
        Verdict v = aContainerShipWithAFacility()
                .staying(hours(3))
                .claiming(ExemptionReason.SHORE_FAULT, null)
                .withABerthFault(hours(1), null)
                .judged();
        assertEquals(Outcome.EXEMPT, v.outcome());
        assertEquals("2.000", v.figures().get("faultHours"));
    }

    @Test
    void aShoreFaultOverlappingHalfOfAnEightHourStayLeavesFourHoursToConnectAndIsAViolation() {
        Verdict v = aContainerShipWithAFacility()
                .staying(hours(8))
                .claiming(ExemptionReason.SHORE_FAULT, null)
                .withABerthFault(hours(0), hours(4))
                .judged();
        assertEquals(Outcome.VIOLATION, v.outcome());
        assertEquals("4.000", v.figures().get("longestFaultFreeHours"));
        assertTrue(v.reasoning().contains("4 h without a fault remained"), v.reasoning());
    }

    @Test
    void aShoreFaultOverlappingHalfOfAFourHourStayLeavesTwoHoursAndIsExempt() {
        assertEquals(
                Outcome.EXEMPT,
                aContainerShipWithAFacility()
                        .staying(hours(4))
                        .claiming(ExemptionReason.SHORE_FAULT, null)
                        .withABerthFault(hours(1), hours(2))
                        .judged()
                        .outcome(),
                "fault-free stretches of 1 h before and 1 h after");
    }

    @Test
    void aBerthWhoseVoltageDoesNotFitTheShipIsNotApplicableAndCountsAgainstMatching() {
        Verdict v = aContainerShipWithAFacility()
                .atABerthSupplying(new ShorePowerSpec(true, 6600, 50, new BigDecimal("3000"), true, "IEC 80005-1 HV"))
                .staying(hours(6))
                .judged();
        assertEquals(Outcome.NOT_APPLICABLE, v.outcome());
        assertEquals(false, v.figures().get("compatible"));
        assertTrue(v.reasoning().contains("voltage: berth 6600 V, ship 400 V"), v.reasoning());
        assertTrue(v.reasoning().contains("connection: berth high voltage, ship low voltage"), v.reasoning());
        assertTrue(v.reasoning().contains("socket"), v.reasoning());
    }

    @Test
    void aBerthWithTooLittleCapacityOrTheWrongFrequencyDoesNotFit() {
        var small = new ShorePowerSpec(true, 400, 50, new BigDecimal("200"), false, "IEC 60309 LV 350A");
        var sixty = new ShorePowerSpec(true, 400, 60, new BigDecimal("630"), false, "IEC 60309 LV 350A");
        assertEquals(
                java.util.List.of("capacity: berth 200 kVA, ship needs 250 kVA"),
                ShorePowerSpec.mismatches(small, ShorePowerFixtures.SHIP_LV_400));
        assertEquals(
                java.util.List.of("frequency: berth 60 Hz, ship 50 Hz"),
                ShorePowerSpec.mismatches(sixty, ShorePowerFixtures.SHIP_LV_400));
    }

    @Test
    void aCompatibleBerthAndShipAreMarkedCompatible() {
        Verdict v = aContainerShipWithAFacility().staying(hours(1)).judged();
        assertEquals(true, v.figures().get("compatible"));
        assertTrue(ShorePowerSpec.mismatches(ShorePowerFixtures.LV_400, ShorePowerFixtures.SHIP_LV_400)
                .isEmpty());
    }

    @Test
    void socketTypesAreComparedIgnoringCaseAndSpacing() {
        var berth = new ShorePowerSpec(true, 400, 50, BigDecimal.TEN, false, "iec 60309  lv 350a");
        var ship = new ShorePowerSpec(true, 400, 50, BigDecimal.ONE, false, "IEC 60309 LV 350A");
        assertTrue(ShorePowerSpec.mismatches(berth, ship).isEmpty());
    }

    @Test
    void theReasoningReadsAsEnglish() {
        assertEquals("an inland", ShorePowerDuty.withArticle("inland"));
        assertEquals("a coastal", ShorePowerDuty.withArticle("coastal"));
        assertEquals("an 8 h", ShorePowerDuty.withArticle("8 h"));
        assertEquals("an 11 h 5 min", ShorePowerDuty.withArticle("11 h 5 min"));
        assertEquals("an 18 h", ShorePowerDuty.withArticle("18 h"));
        assertEquals("an 80 h", ShorePowerDuty.withArticle("80 h"));
        assertEquals("a 10 h", ShorePowerDuty.withArticle("10 h"));
        assertEquals("a 1 h 30 min", ShorePowerDuty.withArticle("1 h 30 min"));
        assertEquals("a 110 h", ShorePowerDuty.withArticle("110 h"));
    }
}
