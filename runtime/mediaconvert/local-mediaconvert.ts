/**
 * MediaConvert on this machine: a CreateJob request (the `.sync` Task's parameters) is read
 * into a render plan, queued under a concurrency limit, and executed by ffmpeg — input read
 * from S3, every output written to S3 where the job names it — and answered in GetJob's
 * shape once COMPLETE.
 *
 * Failures, as Step Functions reports them for `arn:aws:states:::mediaconvert:createJob.sync`:
 * - settings the engine refuses (unsupported or invalid) are refused before the job is
 *   queued, like CreateJob refusing them: an error named `MediaConvert.BadRequestException`
 *   (Step Functions names a service's exceptions `<Service>.<Exception>`; BadRequestException
 *   is CreateJob's error for bad settings);
 * - a job that ran and ended in ERROR (input missing or unreadable, ffmpeg failed, upload
 *   failed): an error named `States.TaskFailed`, the generic error of a Task whose job
 *   failed; its `cause` is the failed job as JSON (Status ERROR, ErrorCode, ErrorMessage),
 *   as Step Functions puts the job description in the Cause of a failed `.sync` job.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ChildProcess } from 'node:child_process';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Logger } from '@aws-lambda-powertools/logger';
import pLimit from 'p-limit';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../local-credentials.ts';
import { defaultFfmpeg, FfmpegFailed, runFfmpeg } from './ffmpeg-binary.ts';
import { AAC_LC_CODEC_STRING, avcCodecString, findSps } from './h264-encoding.ts';
import { readVariantPlaylist, renditionBandwidth, writeImagePlaylist, writeMasterPlaylist, type ImageStreamEntry, type MasterEntry } from './hls-master.ts';
import { readJobSettings, type Destination, type RenderPlan } from './job-settings.ts';
import { RenderNotPossible, renderCommands, type PlannedOutput, type PlannedSprite } from './render-command.ts';
import { probeSource, type SourceReport } from './source-probe.ts';

export { BAD_REQUEST_ERROR, JobSettingsRejected } from './job-settings.ts';

export interface LocalMediaConvertOptions {
  /** Scratch space: one folder per running job (input copy and outputs), removed when it ends. */
  workDirectory: string;
  /** Jobs rendered at once; the rest wait in the queue. Default: the number of CPU cores. */
  concurrency?: number;
  /** Default: `ffmpeg` on PATH, else the npm-shipped `@ffmpeg-installer/ffmpeg`. */
  ffmpegPath?: string;
  /** S3, where inputs are read and outputs written (the local stack's). */
  s3: S3Client;
  /** The region in job ARNs (default us-east-1, the local stack's). */
  region?: string;
  /** Its Powertools log level (default: POWERTOOLS_LOG_LEVEL, else INFO). */
  logLevel?: LogLevel;
}

/** The CreateJob request, as the `.sync` Task state passes it. */
export interface CreateJobRequest {
  Role?: string;
  Settings: Record<string, unknown>;
  UserMetadata?: Record<string, string>;
  [other: string]: unknown;
}

export interface LocalOutputDetail {
  /** What MediaConvert's COMPLETE event lists: the media file, the variant playlist, or the last captured image. */
  OutputFilePaths: string[];
  DurationInMs: number;
  VideoDetails: { WidthInPx: number; HeightInPx: number };
  /** Not in MediaConvert's API: how many objects this output wrote, and their total size. */
  FileCount: number;
  SizeInBytes: number;
}

export interface LocalOutputGroupDetail {
  OutputDetails: LocalOutputDetail[];
  /** As in MediaConvert's COMPLETE event. */
  Type: 'HLS_GROUP' | 'FILE_GROUP';
  /** HLS groups: the multivariant playlist. */
  PlaylistFilePaths?: string[];
}

/** GetJob's `Job`, dates as ISO 8601 strings (how the SDK's Date fields serialize to JSON). */
export interface LocalJob {
  Id: string;
  Arn: string;
  Status: 'SUBMITTED' | 'PROGRESSING' | 'COMPLETE' | 'ERROR' | 'CANCELED';
  Role?: string;
  Queue: string;
  Settings: Record<string, unknown>;
  UserMetadata: Record<string, string>;
  CreatedAt: string;
  Timing: { SubmitTime: string; StartTime?: string; FinishTime?: string };
  JobPercentComplete?: number;
  OutputGroupDetails?: LocalOutputGroupDetail[];
  ErrorCode?: number;
  ErrorMessage?: string;
}

export const JOB_FAILED_ERROR = 'States.TaskFailed';

/** A job that ran and ended in ERROR. */
export class MediaConvertJobFailed extends Error {
  override readonly name = JOB_FAILED_ERROR;
  /** The failed job as JSON: what Step Functions puts in the Cause. */
  override readonly cause: string;
  constructor(readonly job: LocalJob) {
    super(`MediaConvert job ${job.Id} failed (error ${job.ErrorCode}): ${job.ErrorMessage}`);
    this.cause = JSON.stringify(job);
  }
}

/** A job submitted after `close()`: never started. */
export class EngineClosed extends Error {
  override readonly name = JOB_FAILED_ERROR;
  constructor() {
    super('The local MediaConvert engine is closed (camflow is stopping); the job was not started. Start camflow again and redrive the execution.');
  }
}

export interface LocalMediaConvert {
  /** Runs one job to its end: resolves COMPLETE, rejects `JobSettingsRejected` or `MediaConvertJobFailed`. */
  runJob(request: CreateJobRequest): Promise<{ Job: LocalJob }>;
  /**
   * CreateJob as a Request Response task sees it (`mediaconvert:createJob`, no `.sync`):
   * resolves as soon as the job is queued, `{ Job }` with Status SUBMITTED; the render goes
   * on and its end (COMPLETE or ERROR) shows only in `getJob`. Refused settings still reject.
   */
  createJob(request: CreateJobRequest): Promise<{ Job: LocalJob }>;
  /** A job this engine ran or runs (the most recent 500). */
  getJob(id: string): LocalJob | undefined;
  /** Jobs waiting for a slot. */
  queued(): number;
  /** Jobs rendering now. */
  running(): number;
  /** Refuses new jobs, fails the queued ones, stops running ffmpeg processes, waits for them to end. */
  close(): Promise<void>;
}

const INPUT_ERROR = 1010; // MediaConvert: "File access error" — the input can't be opened.
const GENERAL_ERROR = 1999; // MediaConvert: unclassified error.

class JobError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const CONTENT_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  mp4: 'video/mp4',
  jpg: 'image/jpeg',
};

export function contentTypeOf(fileName: string): string {
  return CONTENT_TYPES[fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';
}

const JOB_ID = /^\d{13}-[0-9a-z]{6}$/;
const newJobId = () => `${Date.now()}-${randomBytes(4).readUInt32BE(0).toString(36).padStart(6, '0').slice(-6)}`;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function createLocalMediaConvert(options: LocalMediaConvertOptions): LocalMediaConvert {
  const limit = Math.max(1, options.concurrency ?? cpus().length);
  const logger = new Logger({ serviceName: 'camflow-local-mediaconvert', ...(options.logLevel ? { logLevel: options.logLevel } : {}) });
  const region = options.region ?? LOCAL_REGION;
  const client = () => options.s3;
  let ffmpeg: string | undefined;
  const binary = () => (ffmpeg ??= options.ffmpegPath ?? defaultFfmpeg());

  const jobs = new Map<string, LocalJob>();
  // Renders run `limit` at a time; the rest wait their turn. close() clears the queue, which
  // rejects the jobs still waiting (rejectOnClear) so each fails with a message.
  const renders = pLimit({ concurrency: limit, rejectOnClear: true });
  const children = new Set<ChildProcess>();
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  const remember = (job: LocalJob) => {
    jobs.set(job.Id, job);
    if (jobs.size > 500) jobs.delete(jobs.keys().next().value!);
  };

  // Folders of jobs cut off by a previous stop (the process was killed mid-render). Only
  // job-id-named folders are removed: the work directory may be shared.
  let sweep: Promise<void> | undefined;
  const sweepLeftovers = () =>
    (sweep ??= readdir(options.workDirectory)
      .then((names) => Promise.all(names.filter((n) => JOB_ID.test(n)).map((n) => rm(join(options.workDirectory, n), { recursive: true, force: true }))))
      .then(
        () => undefined,
        () => undefined,
      ));

  async function runJob(request: CreateJobRequest): Promise<{ Job: LocalJob }> {
    return submit(request).work;
  }

  async function createJob(request: CreateJobRequest): Promise<{ Job: LocalJob }> {
    const { job, work } = submit(request);
    // Nobody waits for the job: its failure is on the job (getJob) and in the log, as in AWS.
    work.catch(() => undefined);
    return { Job: structuredClone(job) };
  }

  function submit(request: CreateJobRequest): { job: LocalJob; work: Promise<{ Job: LocalJob }> } {
    if (closed) throw new EngineClosed();
    // Refused settings fail CreateJob itself: nothing is queued.
    const plan = readJobSettings(request.Settings);
    const id = newJobId();
    const now = new Date().toISOString();
    const job: LocalJob = {
      Id: id,
      Arn: `arn:aws:mediaconvert:${region}:${LOCAL_ACCOUNT}:jobs/${id}`,
      Status: 'SUBMITTED',
      ...(request.Role ? { Role: request.Role } : {}),
      Queue: `arn:aws:mediaconvert:${region}:${LOCAL_ACCOUNT}:queues/Default`,
      Settings: request.Settings,
      UserMetadata: request.UserMetadata ?? {},
      CreatedAt: now,
      Timing: { SubmitTime: now },
    };
    remember(job);
    const directory = join(options.workDirectory, id);
    const work = (async () => {
      let turn = false;
      try {
        return await renders(async () => {
          turn = true;
          await sweepLeftovers();
          const started = Date.now();
          job.Status = 'PROGRESSING';
          job.Timing.StartTime = new Date().toISOString();
          job.JobPercentComplete = 0;
          try {
            const phases: Record<string, number> = {};
            job.OutputGroupDetails = await render(plan, directory, phases);
            job.Status = 'COMPLETE';
            job.JobPercentComplete = 100;
            job.Timing.FinishTime = new Date().toISOString();
            logger.info('MediaConvert job complete', { jobId: id, input: plan.input.uri, seconds: (Date.now() - started) / 1000, phases });
            return { Job: job };
          } catch (error) {
            fail(job, error, plan.input.uri);
            logger.error('MediaConvert job failed', { jobId: id, input: plan.input.uri, errorCode: job.ErrorCode, errorMessage: job.ErrorMessage });
            throw new MediaConvertJobFailed(job);
          }
        });
      } catch (error) {
        if (turn) throw error;
        // close() cleared the queue before this job's turn came.
        fail(job, new JobError(GENERAL_ERROR, 'The job was still queued when camflow stopped. Start camflow again and redrive the execution.'), plan.input.uri);
        throw new MediaConvertJobFailed(job);
      } finally {
        if (turn) await rm(directory, { recursive: true, force: true }).catch(() => undefined);
      }
    })();
    inFlight.add(work);
    work.then(
      () => inFlight.delete(work),
      () => inFlight.delete(work),
    );
    return { job, work };
  }

  function fail(job: LocalJob, error: unknown, input: string): void {
    job.Status = 'ERROR';
    job.Timing.FinishTime = new Date().toISOString();
    if (error instanceof JobError) {
      job.ErrorCode = error.code;
      job.ErrorMessage = error.message;
    } else if (error instanceof RenderNotPossible) {
      job.ErrorCode = GENERAL_ERROR;
      job.ErrorMessage = `${error.message} (setting ${error.settingPath})`;
    } else if (error instanceof FfmpegFailed) {
      job.ErrorCode = GENERAL_ERROR;
      job.ErrorMessage = closed
        ? 'The render was stopped because camflow is stopping. Start camflow again and redrive the execution.'
        : `Rendering ${input} failed: ${error.message}. Check that the clip plays (download it and run ffmpeg -i on it); if it does, redrive the execution.`;
    } else {
      job.ErrorCode = GENERAL_ERROR;
      job.ErrorMessage = `${(error as Error)?.message ?? String(error)}. Redrive the execution once the cause is fixed.`;
    }
  }

  /** Renders the plan; `phases` gets the seconds each step took (logged with the job). */
  async function render(plan: RenderPlan, directory: string, phases: Record<string, number>): Promise<LocalOutputGroupDetail[]> {
    let mark = performance.now();
    const lap = (phase: string) => {
      const now = performance.now();
      phases[phase] = Math.round(now - mark) / 1000;
      mark = now;
    };
    const inputFile = join(directory, 'input', plan.input.location.key.slice(plan.input.location.key.lastIndexOf('/') + 1) || 'input');
    await mkdir(join(directory, 'input'), { recursive: true });
    await download(plan, inputFile);
    lap('download');

    const source = await probeSource(binary(), inputFile);
    if (!source.video) {
      throw new JobError(INPUT_ERROR, `Unable to open input file [${plan.input.uri}]: ffmpeg finds no video stream in it. Check the upload is a video clip.`);
    }
    const groupDirectory = (gi: number) => join(directory, 'out', `group-${gi}`);
    const commands = renderCommands(plan, source, inputFile, groupDirectory);
    await Promise.all(plan.groups.map((_, gi) => mkdir(groupDirectory(gi), { recursive: true })));

    const track = (child: ChildProcess) => {
      children.add(child);
      child.on('close', () => children.delete(child));
    };
    if (closed) throw new JobError(GENERAL_ERROR, 'camflow is stopping; the render was not started. Start camflow again and redrive the execution.');
    lap('probe');
    await runFfmpeg(binary(), commands.encode, track);
    lap('encode');
    for (const args of commands.remux) await runFfmpeg(binary(), args, track);
    lap('remux');
    const masterFiles = await writeMasters(plan, commands.masters, commands.outputs, commands.sprites, source.durationSeconds ?? 0);
    const details = await upload(plan, source, commands.outputs, masterFiles, commands.sprites);
    lap('upload');
    return details;
  }

  async function download(plan: RenderPlan, file: string): Promise<void> {
    const { bucket, key } = plan.input.location;
    let body: unknown;
    try {
      body = (await client().send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body;
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchBucket') {
        throw new JobError(INPUT_ERROR, `Unable to open input file [${plan.input.uri}]: it does not exist. Upload the clip again (a new workflow starts) or fix Settings.Inputs[0].FileInput.`);
      }
      throw new JobError(INPUT_ERROR, `Unable to open input file [${plan.input.uri}]: S3 said ${name}: ${(error as Error).message}. Check the local S3 is running, then redrive the execution.`);
    }
    if (!(body instanceof Readable)) throw new JobError(INPUT_ERROR, `Unable to open input file [${plan.input.uri}]: S3 returned no body.`);
    await pipeline(body, createWriteStream(file));
  }

  /** Writes each HLS group's multivariant playlist; returns the master file per group index. */
  async function writeMasters(
    plan: RenderPlan,
    masters: Array<{ groupIndex: number; directory: string; fileName: string }>,
    outputs: PlannedOutput[],
    sprites: PlannedSprite[],
    clipSeconds: number,
  ): Promise<Map<number, string>> {
    const written = new Map<number, string>();
    for (const master of masters) {
      const group = plan.groups[master.groupIndex]!;
      if (group.kind !== 'hls') continue;
      const entries: MasterEntry[] = [];
      for (const output of outputs.filter((o) => o.groupIndex === master.groupIndex)) {
        const playlist = readVariantPlaylist(await readFile(join(output.directory, output.fileName), 'utf8'));
        if (playlist.segments.length === 0) throw new JobError(GENERAL_ERROR, `ffmpeg wrote no segments for ${output.settingPath} (${output.fileName}); the input may hold no decodable video.`);
        const segments = await Promise.all(playlist.segments.map(async (s) => ({ seconds: s.seconds, bytes: s.bytes ?? (await stat(join(output.directory, s.uri))).size })));
        const { peak, average } = renditionBandwidth(segments, playlist.targetDuration ?? group.segmentSeconds);
        const firstSegment = playlist.segments[0]!;
        const firstFile = await readFile(join(output.directory, firstSegment.uri));
        const first = firstSegment.bytes !== undefined ? firstFile.subarray(firstSegment.offset ?? 0, (firstSegment.offset ?? 0) + firstSegment.bytes) : firstFile;
        const sps = findSps(first);
        if (!sps && !output.videoCodec)
          throw new JobError(GENERAL_ERROR, `No H.264 sequence parameter set in the first segment of ${output.settingPath} (${output.fileName}); video passthrough needs H.264 input.`);
        const video = sps ? avcCodecString(sps) : output.videoCodec!;
        entries.push({
          uri: output.fileName,
          bandwidth: peak,
          averageBandwidth: average,
          width: output.size.width,
          height: output.size.height,
          codecs: output.audio ? [video, AAC_LC_CODEC_STRING] : [video],
          ...(output.frameRate ? { frameRate: output.frameRate } : {}),
        });
      }
      const images: ImageStreamEntry[] = [];
      for (const sprite of sprites.filter((s) => s.groupIndex === master.groupIndex)) {
        const image = await stat(join(sprite.directory, sprite.image)).catch(() => undefined);
        if (!image) throw new JobError(GENERAL_ERROR, `ffmpeg wrote no trick-play image for ${group.settingPath}; the input may hold no decodable video.`);
        await writeFile(join(sprite.directory, sprite.playlist), writeImagePlaylist(sprite, clipSeconds));
        images.push({
          uri: sprite.playlist,
          bandwidth: Math.ceil((image.size * 8) / Math.max(sprite.intervalSeconds, clipSeconds)),
          width: sprite.thumbnail.width * sprite.columns,
          height: sprite.thumbnail.height * sprite.rows,
        });
      }
      await writeFile(join(master.directory, master.fileName), writeMasterPlaylist(entries, images));
      written.set(master.groupIndex, master.fileName);
    }
    return written;
  }

  async function upload(plan: RenderPlan, source: SourceReport, outputs: PlannedOutput[], masters: Map<number, string>, sprites: PlannedSprite[]): Promise<LocalOutputGroupDetail[]> {
    const uriOf = (destination: Destination, fileName: string) => `s3://${destination.bucket}/${destination.directory}${fileName}`;
    const durationInMs = Math.round((source.durationSeconds ?? 0) * 1000);
    const uploads: Array<{ file: string; bucket: string; key: string }> = [];
    const masterUploads: typeof uploads = [];
    const details: LocalOutputGroupDetail[] = [];

    for (const [gi, group] of plan.groups.entries()) {
      const groupOutputs = outputs.filter((o) => o.groupIndex === gi);
      const directory = groupOutputs[0]?.directory;
      const files = directory ? await readdir(directory) : [];
      const sizes = new Map(await Promise.all(files.map(async (f) => [f, (await stat(join(directory!, f))).size] as const)));
      const claim = (names: string[], into = uploads) => {
        for (const name of names) into.push({ file: join(directory!, name), bucket: group.destination.bucket, key: `${group.destination.directory}${name}` });
        return { FileCount: names.length, SizeInBytes: names.reduce((sum, n) => sum + (sizes.get(n) ?? 0), 0) };
      };
      const outputDetails: LocalOutputDetail[] = groupOutputs.map((output) => {
        let names: string[];
        let paths: string[];
        if (output.kind === 'hls' && output.singleFile) {
          names = [output.fileName, ...(files.includes(output.singleFile) ? [output.singleFile] : [])];
          paths = [uriOf(group.destination, output.fileName)];
        } else if (output.kind === 'hls') {
          const segment = new RegExp(`^${escapeRegExp(output.segmentPrefix!)}\\d{5,}\\.ts$`);
          names = [output.fileName, ...files.filter((f) => segment.test(f)).sort()];
          paths = [uriOf(group.destination, output.fileName)];
        } else if (output.kind === 'mp4') {
          names = files.includes(output.fileName) ? [output.fileName] : [];
          paths = [uriOf(group.destination, output.fileName)];
        } else {
          const capture = new RegExp(`^${escapeRegExp(output.fileName)}\\.\\d{7,}\\.jpg$`);
          names = files.filter((f) => capture.test(f)).sort();
          paths = names.length > 0 ? [uriOf(group.destination, names[names.length - 1]!)] : [];
        }
        if (names.length === 0) throw new JobError(GENERAL_ERROR, `ffmpeg wrote nothing for ${output.settingPath}; the input may be too short or hold no decodable video.`);
        return {
          OutputFilePaths: paths,
          DurationInMs: durationInMs,
          VideoDetails: { WidthInPx: output.size.width, HeightInPx: output.size.height },
          ...claim(names),
        };
      });
      // Trick-play images belong to the group, not to one output: the tile image with the
      // segments, its image playlist with the variant playlists.
      for (const sprite of sprites.filter((s) => s.groupIndex === gi)) claim([sprite.image, sprite.playlist]);
      const detail: LocalOutputGroupDetail = { OutputDetails: outputDetails, Type: group.kind === 'hls' ? 'HLS_GROUP' : 'FILE_GROUP' };
      const master = masters.get(gi);
      if (master) {
        claim([master], masterUploads);
        detail.PlaylistFilePaths = [uriOf(group.destination, master)];
      }
      details.push(detail);
    }

    // Segments and captures first, then variant playlists, master playlists last: a player
    // that finds a playlist finds its segments.
    const isPlaylist = (u: { key: string }) => u.key.endsWith('.m3u8');
    await putAll([...uploads.filter((u) => !isPlaylist(u)), ...uploads.filter(isPlaylist), ...masterUploads]);
    return details;
  }

  async function putAll(files: Array<{ file: string; bucket: string; key: string }>): Promise<void> {
    // Playlists are ordered last; six uploads at a time (started in order) keep that order within a few files.
    await pLimit(6).map(files, async (item) => {
      const size = (await stat(item.file)).size;
      const body = size <= 8 * 1024 * 1024 ? await readFile(item.file) : createReadStream(item.file);
      try {
        await client().send(new PutObjectCommand({ Bucket: item.bucket, Key: item.key, Body: body, ContentLength: size, ContentType: contentTypeOf(item.key) }));
      } catch (error) {
        throw new JobError(
          GENERAL_ERROR,
          `Unable to write output s3://${item.bucket}/${item.key}: ${(error as Error).name}: ${(error as Error).message}. Check the bucket exists and the local S3 is running, then redrive the execution.`,
        );
      }
    });
  }

  return {
    runJob,
    createJob,
    getJob: (id) => jobs.get(id),
    queued: () => renders.pendingCount,
    running: () => renders.activeCount,
    async close() {
      closed = true;
      renders.clearQueue();
      for (const child of children) child.kill('SIGKILL');
      await Promise.allSettled([...inFlight]);
      // The S3 client is its owner's (the stack's) to destroy.
    },
  };
}
