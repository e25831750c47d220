/**
 * The location kept with a diagnosis. Unless the user chooses "precise", it is rounded to
 * `COARSE_DECIMALS` decimal degrees (a cell of 0.01° ≈ 1.1 km north–south, less east–west away from
 * the equator): enough to tell one field or village from another, not enough to find a house.
 */

/** A location as stored in the history: degrees, and accuracy in metres (radius). */
export interface StoredLocation {
	latitude: number;
	longitude: number;
	accuracy: number;
}

export const COARSE_DECIMALS = 2;

/** Metres per degree of latitude (mean; within 0.6% everywhere). */
const METRES_PER_DEGREE = 111_320;

/** `x` rounded to `decimals` places, without a `-0`. */
function round(x: number, decimals: number): number {
	const factor = 10 ** decimals;
	return Math.round(x * factor) / factor + 0;
}

/**
 * The farthest a coarse location can be from the true one because of rounding alone: half the
 * diagonal of the grid cell at `latitude`, in metres.
 */
export function roundingError(latitude: number, decimals = COARSE_DECIMALS): number {
	const half = 0.5 * 10 ** -decimals * METRES_PER_DEGREE;
	const east = half * Math.cos((latitude * Math.PI) / 180);
	return Math.hypot(half, east);
}

/**
 * What to store for a position: as reported when `precise`, else rounded to `COARSE_DECIMALS`
 * places with the accuracy widened to the rounding error when that is larger (so the stored figure
 * never claims more precision than the stored coordinates have).
 * @throws when a coordinate is not a finite number in range, naming it.
 */
export function storedLocation(
	coords: { latitude: number; longitude: number; accuracy: number },
	precise: boolean
): StoredLocation {
	const { latitude, longitude, accuracy } = coords;
	if (!Number.isFinite(latitude) || Math.abs(latitude) > 90)
		throw new Error(`Expected latitude to be between -90 and 90, got ${latitude}`);
	if (!Number.isFinite(longitude) || Math.abs(longitude) > 180)
		throw new Error(`Expected longitude to be between -180 and 180, got ${longitude}`);
	// Browsers report accuracy as a non-negative number of metres; treat anything else as unknown (0).
	const reported = Number.isFinite(accuracy) && accuracy > 0 ? accuracy : 0;
	if (precise) return { latitude, longitude, accuracy: reported };
	const coarse = {
		latitude: round(latitude, COARSE_DECIMALS),
		longitude: round(longitude, COARSE_DECIMALS)
	};
	return {
		...coarse,
		accuracy: Math.round(Math.max(reported, roundingError(coarse.latitude)))
	};
}

/** Whether `location` is stored as coarsely as `storedLocation(…, false)` keeps it. */
export function isCoarse(location: StoredLocation): boolean {
	const coarse = storedLocation(location, false);
	return (
		coarse.latitude === location.latitude &&
		coarse.longitude === location.longitude &&
		coarse.accuracy === location.accuracy
	);
}
