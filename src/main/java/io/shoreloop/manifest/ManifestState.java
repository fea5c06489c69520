package io.shoreloop.manifest;

/** States of a manifest (联单). DISPOSED is the closed loop; CANCELLED and REFUSED end it without disposal. */
public enum ManifestState {
    DRAFT,
    DECLARED,
    RECEIVED,
    IN_TRANSFER,
    DISPOSED,
    CANCELLED,
    REFUSED;

    public boolean isFinal() {
        return this == DISPOSED || this == CANCELLED || this == REFUSED;
    }
}
