import { describe, expect, it } from 'vitest';
import { seedLanes } from '../../seeds/index';

describe('seedLanes', () => {
  it('puts S3 in a lane of its own and the databases one after the other in another', () => {
    expect(seedLanes(['postgres', 'mongo', 's3'])).toEqual([['s3'], ['postgres', 'mongo']]);
    expect(seedLanes(['postgres', 's3'])).toEqual([['s3'], ['postgres']]);
    expect(seedLanes(['s3'])).toEqual([['s3']]);
  });

  it('runs the databases at once when there is no S3 to make room for, and every store at once when asked', () => {
    expect(seedLanes(['postgres', 'mongo'])).toEqual([['postgres'], ['mongo']]);
    expect(seedLanes(['postgres', 'mongo', 's3'], 'parallel')).toEqual([['postgres'], ['mongo'], ['s3']]);
  });
});
