package io.shoreloop.registry;

/** What a berth handles; oil, gas and chemical terminals are excluded from the shore-power duty. */
public enum TerminalKind {
    CONTAINER,
    RO_RO,
    PASSENGER,
    CRUISE,
    GENERAL_CARGO,
    BULK,
    OIL,
    GAS,
    CHEMICAL,
    OTHER;

    public boolean liquidCargo() {
        return this == OIL || this == GAS || this == CHEMICAL;
    }
}
