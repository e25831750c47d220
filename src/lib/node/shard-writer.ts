/**
 * Writes shards to disk atomically: the bytes go to `<name>.tmp`, are flushed, then renamed, so a run
 * killed mid-write never leaves a half shard under its final name.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { encodeShard, type ShardSample } from '../data/shard-format';
import { writeFileAtomic } from './atomic-file';

export interface WrittenShard {
	file: string;
	bytes: number;
	sha256: string;
}

/** Encodes `samples` (see shard-format.ts) and writes them as `dir/file`, atomically. */
export async function writeShardFile(
	dir: string,
	file: string,
	samples: readonly ShardSample[]
): Promise<WrittenShard> {
	const bytes = encodeShard(samples);
	await writeFileAtomic(path.join(dir, file), bytes);
	return { file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}
