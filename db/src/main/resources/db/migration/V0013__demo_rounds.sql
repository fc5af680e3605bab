-- The bundled demo never runs dry (issue 16): when the newest round of a demo has handed out every
-- task once (or finished), the portal queues the next round, a new project over the same model and
-- inputs (content-addressed: nothing is stored twice). demo_key names the demo (fashion,
-- fashion-int8, text), demo_round counts its rounds from 1. The unique index keeps two instances
-- that decide at the same moment from both queueing the same round. Owners' projects have neither.
-- (V0012 is the account's locale, added in the same release.)

ALTER TABLE project ADD COLUMN demo_key VARCHAR(32);
ALTER TABLE project ADD COLUMN demo_round INTEGER;
CREATE UNIQUE INDEX project_demo_round_uq ON project (demo_key, demo_round);

-- demo projects created before this migration are their demo's first round
UPDATE project SET demo_key = 'fashion', demo_round = 1
    WHERE owner_id IS NULL AND name = 'Fashion-MNIST demo' AND id = (SELECT MIN(id) FROM project p
        WHERE p.owner_id IS NULL AND p.name = 'Fashion-MNIST demo');
UPDATE project SET demo_key = 'fashion-int8', demo_round = 1
    WHERE owner_id IS NULL AND name = 'Fashion-MNIST demo, int8 model' AND id = (SELECT MIN(id) FROM project p
        WHERE p.owner_id IS NULL AND p.name = 'Fashion-MNIST demo, int8 model');
UPDATE project SET demo_key = 'text', demo_round = 1
    WHERE owner_id IS NULL AND name = 'Sentence topics demo' AND id = (SELECT MIN(id) FROM project p
        WHERE p.owner_id IS NULL AND p.name = 'Sentence topics demo');
