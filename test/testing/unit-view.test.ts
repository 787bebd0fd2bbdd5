// UnitView.published(): what a unit published, decoded as the receiving units read it (issue 22,
// item 6: it returned the wire strings, "\"10.0.0.10\"", while its TSDoc showed decoded values);
// publishedRaw(): the strings relation-get returns.
import { describe, expect, it } from 'vitest';
import { Charm, Endpoint } from '../../src/index.js';
import { Model } from '../../src/testing/index.js';

class Peers extends Endpoint {
  static override readonly interfaceName = 'view-peers';
}

describe('UnitView.published', () => {
  it('decodes what a JSON view published, and publishedRaw keeps the wire strings', async () => {
    const charm = new Charm().endpoint(Peers);
    charm.when('endpoint.cluster.joined').run(function publish(rt) {
      for (const relation of rt.endpoint(Peers).relations) {
        relation.toPublish['cluster-address'] = '10.0.0.10';
        relation.toPublish['ready'] = true;
        relation.toPublish['members'] = { count: 2 };
        relation.toPublishRaw['hostname'] = 'db-0';
      }
    });
    const model = new Model({ seed: 1 });
    await model.deploy('db', {
      charm,
      metadata: {
        name: 'db',
        endpoints: [{ name: 'cluster', role: 'peers', interface: 'view-peers' }],
      },
      units: 2,
    });
    await model.settle();

    const unit = model.unit('db/0');
    expect(unit.published('cluster')).toMatchObject({
      'cluster-address': '10.0.0.10',
      ready: true,
      members: { count: 2 },
      hostname: 'db-0',
    });
    expect(unit.publishedRaw('cluster')).toMatchObject({
      'cluster-address': '"10.0.0.10"',
      ready: 'true',
      members: '{"count":2}',
      hostname: 'db-0',
    });
    await model.close();
  });
});
