// The model's per-unit timelines as text (what `juju-reactive simulate` prints): one column per
// unit, headed by its name and what is notable about it (leader, dying/removed, in error).
import type { ModelParts } from './model-parts.js';
import { type RenderOptions, renderTimelines, type TimelineEntry } from './trace.js';

/** Render every unit's timeline (see Model.renderTimeline). */
export function renderModelTimeline(parts: ModelParts, options: RenderOptions): string {
  const timelines = new Map<string, readonly TimelineEntry[]>();
  for (const unit of parts.unitOrder) timelines.set(unit.name, parts.recorder.timeline(unit.name));
  return renderTimelines(parts.recorder.events, timelines, {
    header: (name) => {
      const unit = parts.world.units.get(name);
      const notes = [
        unit?.app.leader === name ? 'leader' : undefined,
        unit && unit.life !== 'alive' ? unit.life : undefined,
        unit?.error ? 'in error' : undefined,
      ].filter(Boolean);
      return notes.length > 0 ? `${name} (${notes.join(', ')})` : name;
    },
    ...options,
  });
}
