package io.shoreloop.registry;

import io.quarkus.security.Authenticated;
import io.shoreloop.identity.CurrentActor;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.Responses;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.platform.Versions;
import io.shoreloop.platform.idempotency.Idempotent;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/** {@code /api/v1/ports}: ports (港口), INLAND or COASTAL, with their time zone and operator. */
@Path("/api/v1/ports")
@Authenticated
@Tag(name = "Master data")
public class PortResource {

    static final String PATH = "/api/v1/ports";

    private final PortService ports;
    private final CurrentActor actor;
    private final ShoreloopConfig config;

    public PortResource(PortService ports, CurrentActor actor, ShoreloopConfig config) {
        this.ports = ports;
        this.actor = actor;
        this.config = config;
    }

    @GET
    public Paging.Page<PortService.PortView> list(
            @QueryParam("code") String code,
            @QueryParam("regionKind") RegionKind regionKind,
            @QueryParam("includeInactive") Boolean includeInactive,
            @BeanParam Paging.Params paging) {
        return ports.list(
                actor.get(),
                new PortService.PortFilter(code, regionKind, includeInactive),
                paging.resolve(config.paging()));
    }

    @GET
    @Path("{id}")
    public RestResponse<PortService.PortView> get(@RestPath UUID id) {
        PortService.PortView view = ports.get(actor.get(), id);
        return Responses.ok(view, view.version());
    }

    @POST
    @Idempotent
    public RestResponse<PortService.PortView> create(@Valid @NotNull PortService.PortInput body) {
        PortService.PortView view = ports.create(actor.get(), body);
        return Responses.created(PATH, view.id(), view, view.version());
    }

    @PUT
    @Path("{id}")
    public RestResponse<PortService.PortView> update(
            @RestPath UUID id, @HeaderParam("If-Match") String ifMatch, @Valid @NotNull PortService.PortInput body) {
        PortService.PortView view = ports.update(actor.get(), id, Versions.expected(ifMatch), body);
        return Responses.ok(view, view.version());
    }

    @POST
    @Path("{id}/deactivate")
    @Idempotent
    public RestResponse<PortService.PortView> deactivate(@RestPath UUID id, @HeaderParam("If-Match") String ifMatch) {
        PortService.PortView view = ports.deactivate(actor.get(), id, Versions.expected(ifMatch));
        return Responses.ok(view, view.version());
    }
}
