// Promotion step: the candidate this pipeline run trained goes to production only through the
// gate (lib/model-gate.ts): not worse than production on the same holdout beyond a tolerance, and
// above a minimum. The decision is recorded on the version and in the promotion history (beside
// people's deploys and rollbacks); a promotion archives the previous production version in the
// same transaction, so there is never zero or two. "Production" here is whatever version is in
// production now, however it got there: a hand deploy is what the next candidate must match.
import { ApplicationFailure } from '@temporalio/activity';
import { withTransaction } from '../../../lib/db/pool.ts';
import { decidePromotion, type GateDecision } from '../../../lib/model-gate.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { EXERCISE_MODEL } from './train.ts';

const METRIC = 'macro_f1';

export const promoteModel: StepFactory =
  ({ pools }) =>
  async (input) => {
    const model = String(input.params.model ?? EXERCISE_MODEL);
    const tolerance = Number(input.params.tolerance ?? 0.02);
    const minimum = Number(input.params.minimum ?? 0.5);
    const decision = await withTransaction(pools.worker, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`registry.versions|${model}`]);
      const { rows } = await client.query(
        `SELECT v.id, v.version, v.status, v.gate, v.training_run_id,
              (SELECT value FROM registry.metrics WHERE training_run_id = v.training_run_id AND name = $3 AND label IS NULL) AS candidate,
              (SELECT value FROM registry.metrics WHERE training_run_id = v.training_run_id AND name = 'baseline_' || $3) AS baseline,
              (SELECT (details->>'modelVersionId')::bigint FROM registry.metrics WHERE training_run_id = v.training_run_id AND name = 'baseline_' || $3) AS baseline_version_id
         FROM registry.model_versions v
         JOIN registry.models m ON m.id = v.model_id
         JOIN registry.training_runs r ON r.id = v.training_run_id
        WHERE m.name = $1 AND r.pipeline_run_id = $2`,
        [model, input.runId, METRIC],
      );
      if (!rows.length) throw ApplicationFailure.nonRetryable(`no version of ${model} was trained by pipeline run ${input.runId}`, 'NoCandidate');
      const candidate = rows[0];
      // Already decided (a retry after the commit): report the recorded decision.
      if (candidate.status !== 'candidate') return { ...(candidate.gate as GateDecision), version: candidate.version as number };
      const { rows: prod } = await client.query(
        `SELECT v.id, v.version,
              (SELECT value FROM registry.metrics WHERE training_run_id = v.training_run_id AND name = $2 AND label IS NULL) AS value
         FROM registry.model_versions v JOIN registry.models m ON m.id = v.model_id
        WHERE m.name = $1 AND v.status = 'production'`,
        [model, METRIC],
      );
      const production = prod[0];
      // Prefer production's score on the candidate's own holdout; fall back to its recorded score.
      const productionValue =
        production && candidate.baseline !== null && Number(candidate.baseline_version_id) === Number(production.id) ? candidate.baseline : production?.value;
      const gate = decidePromotion({
        metric: METRIC,
        candidate: candidate.candidate === null ? Number.NaN : Number(candidate.candidate),
        production:
          production && productionValue !== null && productionValue !== undefined ? { version: production.version, value: Number(productionValue) } : undefined,
        tolerance,
        minimum,
      });
      await client.query(
        `INSERT INTO registry.promotions (model_id, model_version_id, action, previous_version_id, reason, actor)
         SELECT model_id, id, $2, $3, $4, $5 FROM registry.model_versions WHERE id = $1`,
        [candidate.id, gate.promote ? 'gate-promote' : 'gate-reject', production?.id ?? null, gate.reason, `pipeline run ${input.runId}`],
      );
      if (gate.promote) {
        await client.query(
          `UPDATE registry.model_versions SET status = 'archived' WHERE model_id = (SELECT model_id FROM registry.model_versions WHERE id = $1) AND status = 'production'`,
          [candidate.id],
        );
        await client.query(`UPDATE registry.model_versions SET status = 'production', promoted_at = now(), gate = $2 WHERE id = $1`, [candidate.id, gate]);
      } else {
        await client.query(`UPDATE registry.model_versions SET status = 'rejected', gate = $2 WHERE id = $1`, [candidate.id, gate]);
      }
      return { ...gate, version: candidate.version as number };
    });
    return {
      written: { 'registry.model_versions': decision.promote ? 2 : 1, 'registry.promotions': 1 },
      metrics: { model, version: decision.version, promoted: decision.promote, reason: decision.reason },
    };
  };
