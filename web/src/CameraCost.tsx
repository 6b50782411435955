/**
 * A camera's estimated AWS cost this month: the sum of its clips' processing estimates
 * (`monthToDate` of `GET /cameras`, kept by the workflow as clips are cataloged).
 */
import type { Camera } from './api/client';

/** `$0.42 this month (118 clips, estimated)`; `< $0.01` for a few clips. */
export function formatMonthCost(monthToDate: Camera['monthToDate']): string {
  const usd = monthToDate.estimatedUsd;
  const amount = usd >= 0.01 || usd === 0 ? `$${usd.toFixed(2)}` : '< $0.01';
  return `${amount} this month (${monthToDate.clips} clip${monthToDate.clips === 1 ? '' : 's'}, estimated)`;
}

export function CameraCost(props: { camera: Pick<Camera, 'monthToDate'> }) {
  if (!props.camera.monthToDate) return null;
  return (
    <p className="camera-cost" title="Estimated from the clips processed this month (UTC): MediaConvert, S3 requests and first month of storage, Step Functions, Lambda. See `camflow cost`.">
      AWS: {formatMonthCost(props.camera.monthToDate)}
    </p>
  );
}
