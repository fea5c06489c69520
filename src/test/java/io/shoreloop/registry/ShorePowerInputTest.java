package io.shoreloop.registry;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shoreloop.platform.ProblemKind;
import io.shoreloop.platform.Problems;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShorePowerInputTest {

    private static final String PREFIX = "shorePower";

    static ShorePowerInput availableShorePower() {
        return new ShorePowerInput(true, 400, 50, new BigDecimal("630"), false, "IEC 60309");
    }

    static ShorePowerInput availableShorePower(Integer voltageV, Integer frequencyHz, BigDecimal capacityKva) {
        return new ShorePowerInput(true, voltageV, frequencyHz, capacityKva, null, null);
    }

    static ShorePowerInput noShorePower() {
        return new ShorePowerInput(false, null, null, null, null, null);
    }

    @Test
    void completeShorePowerAtFiftyOrSixtyHertzIsAccepted() {
        assertDoesNotThrow(() -> availableShorePower().validate(PREFIX));
        assertDoesNotThrow(
                () -> availableShorePower(6600, 60, new BigDecimal("2500")).validate(PREFIX));
        assertDoesNotThrow(
                () -> availableShorePower(400, 50, new BigDecimal("0.1")).validate(PREFIX));
    }

    @Test
    void noShorePowerNeedsNothingElse() {
        assertDoesNotThrow(() -> noShorePower().validate(PREFIX));
        assertDoesNotThrow(() -> ShorePowerInput.NONE.validate(PREFIX));
    }

    @Test
    void availableShorePowerWithoutVoltageNamesTheVoltage() {
        Problems.InvalidField refused = refused(availableShorePower(null, 50, new BigDecimal("630")));
        assertEquals("shorePower.voltageV", refused.field());
        assertEquals("shore-power-incomplete", refused.type());
        assertEquals(ProblemKind.INVALID, refused.kind());
    }

    @Test
    void availableShorePowerWithoutFrequencyNamesTheFrequency() {
        Problems.InvalidField refused = refused(availableShorePower(400, null, new BigDecimal("630")));
        assertEquals("shorePower.frequencyHz", refused.field());
        assertEquals("shore-power-incomplete", refused.type());
    }

    @Test
    void availableShorePowerWithoutCapacityNamesTheCapacity() {
        Problems.InvalidField refused = refused(availableShorePower(400, 50, null));
        assertEquals("shorePower.capacityKva", refused.field());
        assertEquals("shore-power-incomplete", refused.type());
    }

    @Test
    void availableShorePowerWithNothingNamesTheFirstMissingField() {
        assertEquals(
                "shorePower.voltageV",
                refused(availableShorePower(null, null, null)).field());
        assertEquals(
                "shorePower.frequencyHz",
                refused(availableShorePower(400, null, null)).field());
    }

    @Test
    void aFrequencyOtherThanFiftyOrSixtyIsRefused() {
        for (int hz : List.of(0, -50, 49, 51, 55, 59, 61, 400)) {
            Problems.InvalidField refused = refused(availableShorePower(400, hz, new BigDecimal("630")));
            assertEquals("shorePower.frequencyHz", refused.field(), hz + " Hz");
            assertEquals("invalid-frequency", refused.type(), hz + " Hz");
        }
    }

    @Test
    void aWrongFrequencyIsRefusedEvenWhenShorePowerIsNotAvailable() {
        ShorePowerInput input = new ShorePowerInput(false, null, 55, null, null, null);
        assertEquals("shorePower.frequencyHz", refused(input).field());
    }

    @Test
    void theFieldIsNamedUnderTheGivenPrefix() {
        Problems.InvalidField refused = assertThrows(
                Problems.InvalidField.class,
                () -> availableShorePower(null, 50, BigDecimal.ONE).validate("berth.shorePower"));
        assertEquals("berth.shorePower.voltageV", refused.field());
    }

    private static Problems.InvalidField refused(ShorePowerInput input) {
        return assertThrows(Problems.InvalidField.class, () -> input.validate(PREFIX));
    }
}
