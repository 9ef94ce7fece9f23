// Threat: someone who can publish to the broker floods its queues until its disk fills. Every queue
// is bounded in length and bytes (quorum queues): the command, jobs and delay queues refuse publishes
// when full (a publisher with confirms is told, and the gateway answers 503), the dead-letter queue
// drops its oldest, and a retry a full delay queue refuses is dead-lettered rather than lost.
import { boundedQueues, queueBoundsSuite } from '../support/queue-bounds';

boundedQueues('quorum');

describe('Bounded quorum queues under a flood', () => {
  queueBoundsSuite('quorum');
});
