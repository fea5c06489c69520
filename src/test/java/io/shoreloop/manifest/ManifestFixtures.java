package io.shoreloop.manifest;

import io.shoreloop.identity.Role;
import io.shoreloop.platform.CanonicalJson;
import io.shoreloop.registry.Activity;
import io.shoreloop.registry.Stream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Manifests and the parties around them, as sentences, for tests of the plain-Java aggregate (no Quarkus, no
 * database). The batch is sewage from one vessel call; the designated receiver is a reception facility that pumps
 * into the municipal sewer, so it is licensed both to receive and to dispose of sewage (the direct path).
 *
 * <pre>
 * aDraftManifest()                  DRAFT, drafting recorded by the crew of the vessel
 * aDeclaredManifest()               DECLARED to the designated receiver
 * aReceivedManifest()               RECEIVED by it, naming the licensed transporter
 * aManifestReceivedForDirectDisposal()  RECEIVED by it, naming itself (it is licensed to dispose of sewage)
 * aManifestInTransfer()             IN_TRANSFER with the licensed transporter, naming the licensed plant
 * aManifestInTransferToAFurtherTransporter()  IN_TRANSFER with a first-leg transporter, naming the licensed transporter
 * aDisposedManifest()               DISPOSED by the licensed plant (closed loop)
 * aCancelledManifest(), aRefusedManifest()
 * </pre>
 */
final class ManifestFixtures {

    private ManifestFixtures() {}

    static final Stream STREAM = Stream.SEWAGE;

    private static final Map<UUID, String> NAMES = new LinkedHashMap<>();

    // ------------------------------------------------------------------------------------------------ parties

    static final UUID PORT = id("port 果园港 Guoyuan");
    static final UUID CALL = id("call of 长江之星 at Guoyuan");
    static final UUID VESSEL = id("vessel 长江之星");
    static final UUID OTHER_VESSEL = id("vessel 渝州号");
    static final UUID RECEIVER = id("reception facility at Guoyuan (receives and disposes of sewage)");
    static final UUID UNLICENSED_RECEIVER = id("reception facility without a sewage licence");
    static final UUID FIRST_LEG_TRANSPORTER = id("barge operator (first leg)");
    static final UUID TRANSPORTER = id("licensed transport company");
    static final UUID UNLICENSED_TRANSPORTER = id("transport company without a sewage licence");
    static final UUID PLANT = id("municipal sewage plant");
    static final UUID UNLICENSED_PLANT = id("hazardous-waste plant without a sewage licence");
    static final UUID BUREAU = id("重庆海事局");

    static Signer crewOfTheVessel() {
        return signer("crew of the vessel", VESSEL, Role.CREW);
    }

    static Signer crewOfAnotherVessel() {
        return signer("crew of another vessel", OTHER_VESSEL, Role.CREW);
    }

    static Signer theDesignatedReceiver() {
        return signer("receiver operator", RECEIVER, Role.RECEIVER);
    }

    static Signer anUnlicensedReceiver() {
        return signer("unlicensed receiver operator", UNLICENSED_RECEIVER, Role.RECEIVER);
    }

    static Signer theFirstLegTransporter() {
        return signer("barge skipper", FIRST_LEG_TRANSPORTER, Role.TRANSPORTER);
    }

    static Signer aLicensedTransporter() {
        return signer("truck driver", TRANSPORTER, Role.TRANSPORTER);
    }

    static Signer anUnlicensedTransporter() {
        return signer("unlicensed truck driver", UNLICENSED_TRANSPORTER, Role.TRANSPORTER);
    }

    static Signer aLicensedPlant() {
        return signer("plant operator", PLANT, Role.DISPOSER);
    }

    static Signer anUnlicensedPlant() {
        return signer("unlicensed plant operator", UNLICENSED_PLANT, Role.DISPOSER);
    }

    static Signer aBureau() {
        return signer("bureau auditor", BUREAU, Role.BUREAU);
    }

    static Signer anAdmin() {
        return signer("administrator", null, Role.ADMIN);
    }

    /** A user of {@code party} in {@code role} (for facilities whose users hold different roles). */
    static Signer signer(String user, UUID party, Role role) {
        return new Signer(id("user " + user), party, role);
    }

    // ------------------------------------------------------------------------------------------------ licences

    /**
     * The licence book: the receiver receives and disposes of sewage, both transporters transport it, the plant
     * disposes of it; the "unlicensed" facilities hold licences for other streams only.
     */
    static LicenceBook aLicenceBook() {
        return new LicenceBook()
                .grant(RECEIVER, Activity.RECEIVE, STREAM)
                .grant(RECEIVER, Activity.DISPOSE, STREAM)
                .grant(UNLICENSED_RECEIVER, Activity.RECEIVE, Stream.OILY_WATER)
                .grant(FIRST_LEG_TRANSPORTER, Activity.TRANSPORT, STREAM)
                .grant(TRANSPORTER, Activity.TRANSPORT, STREAM)
                .grant(TRANSPORTER, Activity.TRANSPORT, Stream.OILY_WATER)
                .grant(UNLICENSED_TRANSPORTER, Activity.TRANSPORT, Stream.GARBAGE)
                .grant(PLANT, Activity.DISPOSE, STREAM)
                .grant(UNLICENSED_PLANT, Activity.DISPOSE, Stream.OILY_WATER)
                .grant(UNLICENSED_PLANT, Activity.DISPOSE, Stream.TANK_WASHING);
    }

    /** A mutable licence book: facility × activity × stream. */
    static final class LicenceBook implements Licences {

        private final Set<String> granted = new HashSet<>();

        LicenceBook grant(UUID facility, Activity activity, Stream stream) {
            granted.add(key(facility, activity, stream));
            return this;
        }

        LicenceBook revoke(UUID facility, Activity activity, Stream stream) {
            granted.remove(key(facility, activity, stream));
            return this;
        }

        /** A copy of this book in which {@code facility} holds no licence at all. */
        LicenceBook without(UUID facility) {
            LicenceBook copy = new LicenceBook();
            granted.stream().filter(k -> !k.startsWith(facility + "/")).forEach(copy.granted::add);
            return copy;
        }

        @Override
        public boolean licensed(UUID facilityId, Activity activity, Stream stream) {
            return facilityId != null && granted.contains(key(facilityId, activity, stream));
        }

        private static String key(UUID facility, Activity activity, Stream stream) {
            return facility + "/" + activity + "/" + stream;
        }
    }

    // ------------------------------------------------------------------------------------------------ batches

    static Manifest.Batch aSewageBatch() {
        return new Manifest.Batch(STREAM, new BigDecimal("12.500"), QuantityMethod.GAUGED, null, null, null, null);
    }

    static Manifest.Batch aBatchOf(Stream stream, String quantity) {
        String cargo = stream == Stream.TANK_WASHING ? "Methanol" : null;
        String nls = stream == Stream.TANK_WASHING ? "Y" : null;
        return new Manifest.Batch(stream, new BigDecimal(quantity), QuantityMethod.DECLARED, cargo, nls, null, null);
    }

    static Manifest.Batch aTankWashingBatch(String cargoName, String nlsCategory) {
        return new Manifest.Batch(
                Stream.TANK_WASHING, new BigDecimal("30"), QuantityMethod.GAUGED, cargoName, nlsCategory, null, null);
    }

    static Manifest.Batch aGarbageBatch(Stream stream, String garbageCategory) {
        return new Manifest.Batch(
                stream, new BigDecimal("85"), QuantityMethod.WEIGHED, null, null, garbageCategory, null);
    }

    static Manifest.Quantity metered(String value) {
        return new Manifest.Quantity(value == null ? null : new BigDecimal(value), QuantityMethod.METERED);
    }

    // ------------------------------------------------------------------------------------------------ time

    private static final AtomicLong TICKS = new AtomicLong();

    /** Server time: strictly increasing, one minute per call. */
    static Instant now() {
        return Instant.parse("2025-06-01T08:00:00Z").plus(Duration.ofMinutes(TICKS.incrementAndGet()));
    }

    // ------------------------------------------------------------------------------------------------ manifests

    static Manifest aDraftManifest() {
        return aDraftManifestOf(aSewageBatch());
    }

    static Manifest aDraftManifestOf(Manifest.Batch batch) {
        Manifest m = drafted(batch);
        m.recordDraft(crewOfTheVessel());
        return m;
    }

    /** The factory alone, without the recorded drafting step. */
    static Manifest drafted(Manifest.Batch batch) {
        return Manifest.draft(
                UUID.randomUUID(),
                "SL-2025-" + String.format("%07d", TICKS.get()),
                CALL,
                VESSEL,
                PORT,
                batch,
                null,
                null,
                crewOfTheVessel(),
                now());
    }

    static Manifest aDeclaredManifest() {
        return declared(aDraftManifest());
    }

    static Manifest declared(Manifest m) {
        m.declare(crewOfTheVessel(), RECEIVER, null, aLicenceBook(), now());
        return m;
    }

    /** Received by the designated receiver, who names the licensed transporter. */
    static Manifest aReceivedManifest() {
        return receivedNaming(aDeclaredManifest(), TRANSPORTER);
    }

    /** Received by the designated receiver, who names itself: it is licensed to dispose of the stream. */
    static Manifest aManifestReceivedForDirectDisposal() {
        return receivedNaming(aDeclaredManifest(), RECEIVER);
    }

    static Manifest receivedNaming(Manifest m, UUID next) {
        m.receive(theDesignatedReceiver(), metered("12.000"), next, null, aLicenceBook(), now());
        return m;
    }

    /** Picked up by the licensed transporter, who names the licensed plant. */
    static Manifest aManifestInTransfer() {
        Manifest m = aReceivedManifest();
        m.pickUp(aLicensedTransporter(), metered("11.900"), "渝A·12345", PLANT, null, aLicenceBook(), now());
        return m;
    }

    /** Picked up by a first-leg barge, whose skipper names the licensed transporter for the next leg. */
    static Manifest aManifestInTransferToAFurtherTransporter() {
        Manifest m = receivedNaming(aDeclaredManifest(), FIRST_LEG_TRANSPORTER);
        m.pickUp(theFirstLegTransporter(), metered("11.950"), "barge 渝驳 7", TRANSPORTER, null, aLicenceBook(), now());
        return m;
    }

    static Manifest aDisposedManifest() {
        Manifest m = aManifestInTransfer();
        m.dispose(aLicensedPlant(), metered("11.800"), "biological treatment", null, aLicenceBook(), now());
        return m;
    }

    static Manifest aCancelledManifest() {
        Manifest m = aDeclaredManifest();
        m.cancel(crewOfTheVessel(), "declared to the wrong facility", now());
        return m;
    }

    static Manifest aRefusedManifest() {
        Manifest m = aDeclaredManifest();
        m.refuse(
                theDesignatedReceiver(),
                metered("0"),
                new BigDecimal("12.500"),
                "tank full",
                null,
                null,
                null,
                null,
                aLicenceBook(),
                now());
        return m;
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** The SHA-256 of the manifest's canonical content right now. */
    static String contentHash(Manifest m) {
        return CanonicalJson.sha256(CanonicalJson.write(m.content()));
    }

    static String name(UUID id) {
        return id == null ? "nobody" : NAMES.getOrDefault(id, id.toString());
    }

    private static synchronized UUID id(String name) {
        UUID id = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        NAMES.put(id, name);
        return id;
    }
}
