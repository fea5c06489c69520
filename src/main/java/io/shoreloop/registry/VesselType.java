package io.shoreloop.registry;

/** Ship types; liquid-cargo ships are excepted from the shore-power duty. */
public enum VesselType {
    CARGO,
    CONTAINER,
    PASSENGER,
    CRUISE,
    RO_RO,
    OIL_TANKER,
    CHEMICAL_TANKER,
    LNG,
    OTHER;

    public boolean liquidCargo() {
        return this == OIL_TANKER || this == CHEMICAL_TANKER || this == LNG;
    }
}
