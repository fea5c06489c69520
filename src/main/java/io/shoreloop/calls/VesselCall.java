package io.shoreloop.calls;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A vessel call (船舶靠港): a vessel's stay at a berth from all fast to let go, with crew on board, cargo discharged
 * and the shore-power exemption it claims, if any.
 */
@Entity
@Table(name = "vessel_call")
public class VesselCall extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "vessel_id", nullable = false)
    public UUID vesselId;

    @Column(name = "berth_id", nullable = false)
    public UUID berthId;

    @Column(name = "port_id", nullable = false)
    public UUID portId;

    @Column(nullable = false)
    public Instant arrival;

    public Instant departure;

    @Column(name = "crew_on_board")
    public Integer crewOnBoard;

    @Enumerated(EnumType.STRING)
    @Column(name = "exemption_reason")
    public ExemptionReason exemptionReason;

    @Column(name = "exemption_note")
    public String exemptionNote;

    @Column(name = "exemption_evidence")
    public String exemptionEvidence;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "call_cargo", joinColumns = @JoinColumn(name = "call_id"))
    @OrderColumn(name = "seq")
    public List<Cargo> cargo = new ArrayList<>();

    @Column(nullable = false)
    public boolean active = true;

    @Version
    public long version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** One cargo discharged during the call. */
    @Embeddable
    public static class Cargo {
        @Column(nullable = false)
        public String name;

        @Enumerated(EnumType.STRING)
        @Column(name = "nls_category")
        public NlsCategory nlsCategory;

        @Column(name = "quantity_t")
        public BigDecimal quantityT;

        @Column(name = "solidifying_or_high_viscosity", nullable = false)
        public boolean solidifyingOrHighViscosity;
    }

    /** MARPOL Annex II pollution category of a noxious liquid substance. */
    public enum NlsCategory {
        X,
        Y,
        Z,
        OS
    }

    /** Grounds for not using shore power (港口和船舶岸电管理办法). */
    public enum ExemptionReason {
        SHIP_FAULT,
        SHORE_FAULT,
        WEATHER,
        ACCIDENT,
        EMERGENCY,
        ALTERNATIVE_MEASURE
    }
}
