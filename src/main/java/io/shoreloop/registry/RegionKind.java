package io.shoreloop.registry;

/** Where a port is; the shore-power duty threshold differs (2 h inland, 3 h coastal). */
public enum RegionKind {
    INLAND,
    COASTAL
}
