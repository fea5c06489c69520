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

/** {@code /api/v1/meters}: shore-power meters at berths, with register modulus and reporting interval. */
@Path("/api/v1/meters")
@Authenticated
@Tag(name = "Master data")
public class MeterResource {

    static final String PATH = "/api/v1/meters";

    private final MeterService service;
    private final CurrentActor actor;
    private final ShoreloopConfig config;

    public MeterResource(MeterService service, CurrentActor actor, ShoreloopConfig config) {
        this.service = service;
        this.actor = actor;
        this.config = config;
    }

    @GET
    public Paging.Page<MeterService.MeterView> list(
            @QueryParam("berthId") UUID berthId,
            @QueryParam("portId") UUID portId,
            @QueryParam("code") String code,
            @QueryParam("includeInactive") Boolean includeInactive,
            @BeanParam Paging.Params paging) {
        return service.list(
                actor.get(),
                new MeterService.MeterFilter(berthId, portId, code, includeInactive),
                paging.resolve(config.paging()));
    }

    @GET
    @Path("{id}")
    public RestResponse<MeterService.MeterView> get(@RestPath UUID id) {
        MeterService.MeterView view = service.get(actor.get(), id);
        return Responses.ok(view, view.version());
    }

    @POST
    @Idempotent
    public RestResponse<MeterService.MeterView> create(@Valid @NotNull MeterService.MeterInput body) {
        MeterService.MeterView view = service.create(actor.get(), body);
        return Responses.created(PATH, view.id(), view, view.version());
    }

    @PUT
    @Path("{id}")
    public RestResponse<MeterService.MeterView> update(
            @RestPath UUID id, @HeaderParam("If-Match") String ifMatch, @Valid @NotNull MeterService.MeterInput body) {
        MeterService.MeterView view = service.update(actor.get(), id, Versions.expected(ifMatch), body);
        return Responses.ok(view, view.version());
    }

    @POST
    @Path("{id}/deactivate")
    @Idempotent
    public RestResponse<MeterService.MeterView> deactivate(@RestPath UUID id, @HeaderParam("If-Match") String ifMatch) {
        MeterService.MeterView view = service.deactivate(actor.get(), id, Versions.expected(ifMatch));
        return Responses.ok(view, view.version());
    }
}
