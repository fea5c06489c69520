package io.shoreloop.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImoTest {

    @Test
    void realImoNumbersAreValid() {
        for (String imo : List.of("9074729", "9801237", "9176187")) {
            assertTrue(Imo.isValid(imo), imo);
        }
    }

    @Test
    void aWrongCheckDigitIsRefused() {
        // 9074729 with every other last digit
        for (int d = 0; d <= 9; d++) {
            if (d != 9) {
                String imo = "907472" + d;
                assertFalse(Imo.isValid(imo), imo);
            }
        }
        assertFalse(Imo.isValid("9801238"));
        // two swapped digits change the weighted sum
        assertFalse(Imo.isValid("0974729"));
    }

    @Test
    void numbersOfTheWrongLengthAreRefused() {
        for (String imo : List.of("", "907472", "90747290", "09074729", "19074729")) {
            assertFalse(Imo.isValid(imo), "'" + imo + "'");
        }
    }

    @Test
    void lettersSpacesAndOtherDigitsAreRefused() {
        for (String imo : List.of(
                "IMO9074729", // the prefix belongs in the form, not in the number
                "907472a",
                "9O74729",
                " 9074729",
                "9074729 ",
                "907-4729",
                "+907472",
                "９０７４７２９", // full-width digits
                "٩٠٧٤٧٢٩")) { // Arabic-Indic digits
            assertFalse(Imo.isValid(imo), "'" + imo + "'");
        }
    }

    @Test
    void noNumberIsNotValid() {
        assertFalse(Imo.isValid(null));
    }
}
