package io.shoreloop.ingest;

import io.quarkus.security.Authenticated;
import io.shoreloop.identity.CurrentActor;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/v1/shorepower/ingest-instances}: the instances that ingest meter readings, when each was last seen
 * alive, and whose broker session was adopted (administrators; README, "Sessions of instances gone for good").
 */
@Path("/api/v1/shorepower/ingest-instances")
@Authenticated
@Tag(name = "Shore power")
public class IngestInstanceResource {

    private final IngestInstances instances;
    private final CurrentActor actor;

    public IngestInstanceResource(IngestInstances instances, CurrentActor actor) {
        this.instances = instances;
        this.actor = actor;
    }

    @GET
    public List<IngestInstances.InstanceView> list() {
        return instances.list(actor.get());
    }
}
