/**
 * A folder or argument a command refuses before any work: an --out it would damage, mix with other
 * data or replace without --replace, a --src that is no folder. The user's choice, not a failure
 * of the work: the CLI says it as a usage error (exit 2), as it does bad options.
 */
export class Refusal extends Error {
	override name = 'Refusal';
}
