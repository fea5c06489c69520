package io.shoreloop.registry;

/**
 * IMO ship identification numbers: seven digits whose last is a check digit, the sum of the first six multiplied by
 * 7, 6, 5, 4, 3, 2, modulo 10 (e.g. 9074729: 9×7 + 0×6 + 7×5 + 4×4 + 7×3 + 2×2 = 139 → 9).
 */
public final class Imo {

    private Imo() {}

    public static boolean isValid(String imo) {
        if (imo == null || !imo.matches("[0-9]{7}")) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 6; i++) {
            sum += (imo.charAt(i) - '0') * (7 - i);
        }
        return sum % 10 == imo.charAt(6) - '0';
    }
}
