package io.shoreloop.identity;

import java.util.Arrays;
import java.util.Optional;

/** The roles a user can hold; the claim value is what appears in a token's {@code groups}. */
public enum Role {
    CREW("crew", PartyKind.VESSEL),
    RECEIVER("receiver", PartyKind.FACILITY),
    TRANSPORTER("transporter", PartyKind.FACILITY),
    DISPOSER("disposer", PartyKind.FACILITY),
    BERTH_OPERATOR("berth-operator", PartyKind.PORT_OPERATOR),
    BUREAU("bureau", PartyKind.BUREAU),
    ADMIN("admin", PartyKind.NONE);

    private final String claim;
    private final PartyKind partyKind;

    Role(String claim, PartyKind partyKind) {
        this.claim = claim;
        this.partyKind = partyKind;
    }

    public String claim() {
        return claim;
    }

    /** What kind of party a user in this role acts for. */
    public PartyKind partyKind() {
        return partyKind;
    }

    public static Optional<Role> fromClaim(String claim) {
        return Arrays.stream(values()).filter(r -> r.claim.equals(claim)).findFirst();
    }

    /** Kinds of party. */
    public enum PartyKind {
        VESSEL,
        FACILITY,
        PORT_OPERATOR,
        BUREAU,
        NONE
    }
}
