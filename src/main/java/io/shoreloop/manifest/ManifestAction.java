package io.shoreloop.manifest;

/** The signed steps of a manifest's life. */
public enum ManifestAction {
    DRAFT,
    DECLARE,
    RECEIVE,
    PICKUP,
    DISPOSE,
    REFUSE,
    CANCEL,
    /** A correction of a closed manifest, applied once every affected party approved it. */
    CORRECT
}
