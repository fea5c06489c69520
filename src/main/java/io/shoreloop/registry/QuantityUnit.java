package io.shoreloop.registry;

/** Units of pollutant quantities. */
public enum QuantityUnit {
    M3,
    KG
}
