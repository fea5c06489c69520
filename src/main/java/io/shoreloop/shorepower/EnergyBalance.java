package io.shoreloop.shorepower;

/**
 * Where a meter's energy went. The figures are kept independently (session energy from the sessions, unallocated
 * from the steps that belong to no session, rejected from the steps), so that {@link #isBalanced()} is a real check:
 *
 * <pre>Σ session energy + unallocated + rejected = metered</pre>
 *
 * @param meteredWh everything the register showed: the sum of {@link EnergyStep#meteredWh()} over all steps
 * @param sessionWh the sum of {@link Session#energyWh()} over all sessions
 * @param unallocatedWh counted energy of steps that belong to no session (standby, silences, short blips)
 * @param rejectedWh energy of implausible jumps, wherever they happened
 */
public record EnergyBalance(long meteredWh, long sessionWh, long unallocatedWh, long rejectedWh) {

    public boolean isBalanced() {
        return sessionWh + unallocatedWh + rejectedWh == meteredWh;
    }
}
