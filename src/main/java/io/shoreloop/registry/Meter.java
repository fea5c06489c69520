package io.shoreloop.registry;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** A shore-power meter at a berth: its MQTT code, register modulus (rollover) and reporting interval. */
@Entity
@Table(name = "meter")
public class Meter extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false, unique = true)
    public String code;

    @Column(name = "berth_id", nullable = false)
    public UUID berthId;

    @Column(name = "register_modulus_kwh", nullable = false)
    public BigDecimal registerModulusKwh;

    @Column(name = "reporting_interval_s", nullable = false)
    public int reportingIntervalS;

    @Column(nullable = false)
    public boolean active = true;

    @Version
    public long version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
