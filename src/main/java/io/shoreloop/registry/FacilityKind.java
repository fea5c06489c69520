package io.shoreloop.registry;

/** Reception facility (接收单位), transport company (转运单位) or disposal plant (处置单位). */
public enum FacilityKind {
    RECEPTION,
    TRANSPORT,
    DISPOSAL
}
