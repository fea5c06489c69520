package io.shoreloop.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.UUID;

/** That a vessel has called at a port (maintained by the calls feature; used for scoping). */
@Entity
@Table(name = "vessel_port")
@IdClass(VesselPort.Key.class)
public class VesselPort {

    @Id
    @Column(name = "vessel_id")
    public UUID vesselId;

    @Id
    @Column(name = "port_id")
    public UUID portId;

    /** Composite key. */
    public record Key(UUID vesselId, UUID portId) implements Serializable {
        public Key() {
            this(null, null);
        }
    }
}
