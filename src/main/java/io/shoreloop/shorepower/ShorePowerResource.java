package io.shoreloop.shorepower;

import io.quarkus.security.Authenticated;
import io.shoreloop.identity.CurrentActor;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.ShoreloopConfig;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

/**
 * {@code /api/v1/shorepower}: sessions with energy, flags and matched call; meter liveness (dead letters: {@code
 * io.shoreloop.ingest.DeadLetterResource}). Scoped like meters (admin; the port's berth operator; bureaus covering the
 * port).
 */
@Path("/api/v1/shorepower")
@Authenticated
@Tag(name = "Shore power")
public class ShorePowerResource {

    private final ShorePowerService service;
    private final CurrentActor actor;
    private final ShoreloopConfig config;

    public ShorePowerResource(ShorePowerService service, CurrentActor actor, ShoreloopConfig config) {
        this.service = service;
        this.actor = actor;
        this.config = config;
    }

    @GET
    @Path("sessions")
    public Paging.Page<ShorePowerService.SessionView> sessions(
            @QueryParam("berthId") UUID berthId,
            @QueryParam("portId") UUID portId,
            @QueryParam("meterId") UUID meterId,
            @QueryParam("vesselId") UUID vesselId,
            @QueryParam("mmsi") String mmsi,
            @QueryParam("callId") UUID callId,
            @QueryParam("from") Instant from,
            @QueryParam("to") Instant to,
            @QueryParam("status") SessionStatus status,
            @QueryParam("matchOutcome") MatchOutcome matchOutcome,
            @BeanParam Paging.Params paging) {
        return service.sessions(
                actor.get(),
                new ShorePowerService.SessionFilter(
                        berthId, portId, meterId, vesselId, mmsi, callId, from, to, status, matchOutcome),
                paging.resolve(config.paging()));
    }

    @GET
    @Path("meters/status")
    public Paging.Page<ShorePowerService.MeterStatusView> meterStatuses(
            @QueryParam("portId") UUID portId, @QueryParam("berthId") UUID berthId, @BeanParam Paging.Params paging) {
        return service.meterStatuses(actor.get(), portId, berthId, paging.resolve(config.paging()));
    }

    @GET
    @Path("meters/{id}/status")
    public ShorePowerService.MeterStatusView meterStatus(@RestPath UUID id) {
        return service.meterStatus(actor.get(), id, 50);
    }
}
