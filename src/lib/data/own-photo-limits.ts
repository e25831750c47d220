/**
 * The sizes own photos are kept at, apart from own-photos.ts (which builds datasets with the
 * manifest's schema) so the app's first bytes (the history keeps each diagnosed photo this way) do
 * not carry the schema library.
 */

/** Fewer photos than this in a class cannot give both training and validation photos. */
export const MIN_PHOTOS_PER_CLASS = 5;
/** Own photos are resized like prepared datasets: shorter side 256, JPEG quality 90. */
export const OWN_PHOTO_SIZE = 256;
export const OWN_PHOTO_QUALITY = 90;
