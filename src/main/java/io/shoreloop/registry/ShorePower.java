package io.shoreloop.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.math.BigDecimal;

/** Shore-power capability of a berth (supply) or a vessel (receiving facility). */
@Embeddable
public class ShorePower {

    @Column(name = "shore_power", nullable = false)
    public boolean available;

    @Column(name = "sp_voltage_v")
    public Integer voltageV;

    @Column(name = "sp_frequency_hz")
    public Integer frequencyHz;

    @Column(name = "sp_capacity_kva")
    public BigDecimal capacityKva;

    @Column(name = "sp_high_voltage")
    public Boolean highVoltage;

    @Column(name = "sp_socket")
    public String socket;
}
