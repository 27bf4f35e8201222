/**
 * Create or edit a stream. The connector's fields come from its schema (schema-fields.ts); the server validates
 * and its 422 messages appear beside the fields they name. Secrets are write-only: shown as set / not set, sent
 * only when replaced; changing a destination field (URL, host, …) asks for the secrets again, as the API requires.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, describeError, type FieldIssue } from './api.ts';
import { ErrorNote, Loading } from './common.ts';
import { html } from './html.ts';
import { KNOWN_CLASSES, SEVERITIES } from './ocsf-names.ts';
import { fieldsOf, fromInput, issueKey, toInput, type ConnectorTypeInfo, type FieldSpec } from './schema-fields.ts';

const SEVERITY_CHOICES: [string, string][] = [['', 'Any severity'], ...SEVERITIES.map(([v, t]): [string, string] => [String(v), v === 6 ? `${v} ${t}` : `${v} ${t} or higher`])];

interface Props {
  id?: string;
}

export function StreamForm({ id }: Props) {
  const [types, setTypes] = useState<ConnectorTypeInfo[] | undefined>(undefined);
  const [stream, setStream] = useState<any>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  useEffect(() => {
    let alive = true;
    (async () => {
      try {
        const [t, s] = await Promise.all([
          api<{ connector_types: ConnectorTypeInfo[] }>('GET', '/v1/connector-types'),
          id ? api('GET', `/v1/org/streams/${encodeURIComponent(id)}?figures=false`) : Promise.resolve(undefined),
        ]);
        if (!alive) return;
        setTypes(t.connector_types);
        setStream(s);
      } catch (err) {
        if (alive) setLoadError(describeError(err));
      }
    })();
    return () => {
      alive = false;
    };
  }, [id]);
  if (loadError) return html`<${ErrorNote} error=${loadError} />`;
  if (!types || (id && !stream)) return html`<${Loading} />`;
  return html`<${Form} types=${types} stream=${stream} key=${id ?? 'new'} />`;
}

function Form({ types, stream }: { types: ConnectorTypeInfo[]; stream?: any }) {
  const editing = !!stream;
  const [type, setType] = useState<string>(stream?.connector_type ?? 'splunk_hec');
  const info = types.find((t) => t.connector_type === type) ?? types[0];
  const fields = fieldsOf(info);
  const [name, setName] = useState<string>(stream?.name ?? '');
  const [enabled, setEnabled] = useState<boolean>(stream?.is_enabled ?? true);
  const [batchSize, setBatchSize] = useState<string>(stream ? String(stream.batch_size) : '');
  const [classUids, setClassUids] = useState<string>((stream?.filters?.class_uids ?? []).join(', '));
  const [minSeverity, setMinSeverity] = useState<string>(stream?.filters?.min_severity_id != null ? String(stream.filters.min_severity_id) : '');
  const initial = (t: ConnectorTypeInfo) => Object.fromEntries(fieldsOf(t).map((f) => [f.name, toInput(f, stream?.connector_type === t.connector_type ? stream?.config?.[f.name] : undefined)]));
  const [values, setValues] = useState<Record<string, string>>(() => initial(info));
  /** Secret fields the user chose to replace (or must: the destination changed). */
  const [replacing, setReplacing] = useState<Set<string>>(new Set());
  const [removing, setRemoving] = useState<Set<string>>(new Set());
  const [issues, setIssues] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const storedConfig: Record<string, unknown> = stream?.config ?? {};
  const changedDestinations = editing
    ? fields.filter((f) => f.destination && toInput(f, storedConfig[f.name]) !== (values[f.name] ?? '')).map((f) => f.name)
    : [];
  const secretSet = (f: FieldSpec) => editing && stream?.secrets?.[f.name] === 'set';
  const mustReenter = (f: FieldSpec) => secretSet(f) && changedDestinations.length > 0 && !removing.has(f.name);
  const showsSecretInput = (f: FieldSpec) => !secretSet(f) || replacing.has(f.name) || mustReenter(f);

  const setValue = (field: string, v: string) => setValues((old) => ({ ...old, [field]: v }));

  const chooseType = (t: string) => {
    setType(t);
    const next = types.find((x) => x.connector_type === t);
    if (next) setValues(initial(next));
    setIssues({});
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const local: Record<string, string[]> = {};
    const config: Record<string, unknown> = {};
    for (const f of fields) {
      if (f.kind === 'secret') {
        if (removing.has(f.name)) config[f.name] = null;
        else if (showsSecretInput(f) && (values[f.name] ?? '') !== '') config[f.name] = values[f.name];
        continue;
      }
      const r = fromInput(f, values[f.name] ?? '');
      if (r.error) local[`config.${f.name}`] = [r.error];
      else if (r.value !== undefined) config[f.name] = r.value;
    }
    const uids = classUids.split(/[\s,]+/).filter(Boolean);
    const body: Record<string, unknown> = {
      config,
      filters: { class_uids: uids.length ? uids.map((u) => (/^\d+$/.test(u) ? Number(u) : u)) : null, min_severity_id: minSeverity ? Number(minSeverity) : null },
    };
    if (name.trim() !== '' || editing) body.name = name;
    if (batchSize.trim() !== '') body.batch_size = /^\d+$/.test(batchSize.trim()) ? Number(batchSize.trim()) : batchSize;
    if (!editing) {
      body.connector_type = type;
      body.is_enabled = enabled;
    }
    if (Object.keys(local).length > 0) {
      setIssues(local);
      focusFirstError();
      return;
    }
    setBusy(true);
    setFormError(undefined);
    try {
      const saved = editing
        ? await api('PUT', `/v1/org/streams/${encodeURIComponent(stream.id)}`, body)
        : await api('POST', '/v1/org/streams', body);
      location.hash = `#/streams/${encodeURIComponent(saved.id)}`;
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && err.issues.length > 0) {
        const byField: Record<string, string[]> = {};
        const known = new Set(['name', 'batch_size', 'connector_type', 'filters.class_uids', 'filters.min_severity_id', ...fields.map((f) => `config.${f.name}`)]);
        const general: string[] = [];
        for (const i of err.issues as FieldIssue[]) {
          const k = issueKey(i.loc);
          if (known.has(k)) (byField[k] ??= []).push(i.msg);
          else general.push(`${i.loc.filter((l) => l !== 'body').join('.') || 'body'}: ${i.msg}`);
        }
        setIssues(byField);
        setFormError(general.length ? `The service refused the stream: ${general.join('; ')}` : 'The service refused some fields: see the messages beside them.');
        focusFirstError();
      } else {
        setFormError(describeError(err));
      }
    } finally {
      setBusy(false);
    }
  };

  const focusFirstError = () =>
    requestAnimationFrame(() => (formRef.current?.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus());

  const errorsOf = (key: string, fieldId: string) =>
    issues[key]?.length ? html`<p class="field-error" id=${`${fieldId}-error`} role="alert" data-testid=${`error-${key}`}>${issues[key].join(' ')}</p>` : null;
  const describedBy = (fieldId: string, key: string, help: boolean) => [help ? `${fieldId}-help` : '', issues[key]?.length ? `${fieldId}-error` : ''].filter(Boolean).join(' ') || undefined;

  const renderField = (f: FieldSpec) => {
    const fid = `field-${f.name}`;
    const key = `config.${f.name}`;
    const invalid = !!issues[key]?.length;
    // Most schemas state their default in the description already; say it once.
    const defaultText = f.defaultValue !== undefined && !/\(default\b/i.test(f.help) ? `Default: ${String(f.defaultValue)}.` : '';
    const help = [f.help, defaultText].filter(Boolean).join(' ');
    const common = { id: fid, name: f.name, 'aria-invalid': invalid ? 'true' : undefined, 'aria-describedby': describedBy(fid, key, !!help), 'aria-required': f.required ? 'true' : undefined };
    const label = html`<label for=${fid}>${f.name}${f.required ? html`<span class="req" aria-hidden="true"> *</span>` : null}${f.required ? html`<span class="sr-only"> (required)</span>` : null}</label>`;
    let input;
    if (f.kind === 'secret') {
      const set = secretSet(f);
      const status = html`<span class=${`secret-state ${set ? 'set' : 'not-set'}`} data-testid=${`secret-${f.name}`}>${removing.has(f.name) ? 'will be removed' : set ? 'set' : 'not set'}</span>`;
      if (!showsSecretInput(f)) {
        input = html`<div class="secret-row">${status}
          <button type="button" data-testid=${`replace-${f.name}`} aria-label=${`Replace ${f.name}`}
            onClick=${() => { setReplacing(new Set([...replacing, f.name])); requestAnimationFrame(() => document.getElementById(fid)?.focus()); }}>Replace</button>
          ${!f.required && !removing.has(f.name) ? html`<button type="button" onClick=${() => setRemoving(new Set([...removing, f.name]))}>Remove</button>` : null}
          ${removing.has(f.name) ? html`<button type="button" onClick=${() => { const r = new Set(removing); r.delete(f.name); setRemoving(r); }}>Keep</button>` : null}</div>`;
      } else {
        input = html`<div class="secret-row">${editing ? status : null}
          <input ...${common} type="password" autocomplete="new-password" spellcheck="false" value=${values[f.name] ?? ''}
            onInput=${(e: Event) => setValue(f.name, (e.target as HTMLInputElement).value)} /></div>
          ${mustReenter(f) ? html`<p class="note note-warn" data-testid=${`reenter-${f.name}`}>The destination changed (${changedDestinations.join(', ')}): enter ${f.name} again — a stored secret is only kept while requests go where they went.</p>` : null}`;
      }
    } else if (f.kind === 'choice' || f.kind === 'boolean') {
      const options = f.kind === 'boolean' ? ['true', 'false'] : f.options;
      input = html`<select ...${common} value=${values[f.name] ?? ''} onChange=${(e: Event) => setValue(f.name, (e.target as HTMLSelectElement).value)}>
        <option value="">${f.defaultValue !== undefined ? `Default (${String(f.defaultValue)})` : f.kind === 'boolean' ? 'Default' : 'Not set'}</option>
        ${options.map((o) => html`<option value=${o}>${f.kind === 'boolean' ? (o === 'true' ? 'Yes' : 'No') : o}</option>`)}
      </select>`;
    } else if (f.kind === 'json') {
      input = html`<textarea ...${common} rows="3" spellcheck="false" placeholder='{"key": "value"}' value=${values[f.name] ?? ''}
        onInput=${(e: Event) => setValue(f.name, (e.target as HTMLTextAreaElement).value)}></textarea>`;
    } else {
      input = html`<input ...${common} type="text" inputmode=${f.kind === 'integer' ? 'numeric' : undefined} spellcheck="false"
        placeholder=${f.defaultValue !== undefined ? String(f.defaultValue) : ''} value=${values[f.name] ?? ''}
        onInput=${(e: Event) => setValue(f.name, (e.target as HTMLInputElement).value)} />`;
    }
    return html`<div class=${`field${invalid ? ' invalid' : ''}`} key=${f.name} data-field=${f.name}>
      ${label}${help ? html`<p class="help" id=${`${fid}-help`}>${help}</p>` : null}${input}${errorsOf(key, fid)}
    </div>`;
  };

  useEffect(() => {
    document.title = `${editing ? `Edit ${stream.name}` : 'New stream'} · siemstream console`;
  }, [editing]);
  const topInvalid = (key: string) => (issues[key]?.length ? 'true' : undefined);
  return html`<section aria-labelledby="form-title">
    <p><a href=${editing ? `#/streams/${encodeURIComponent(stream.id)}` : '#/'}>← ${editing ? 'Back to the stream' : 'Streams'}</a></p>
    <h1 id="form-title">${editing ? `Edit ${stream.name}` : 'New stream'}</h1>
    <form ref=${formRef} onSubmit=${submit} novalidate data-testid="stream-form">
      <${ErrorNote} error=${formError} />
      <fieldset>
        <legend>Stream</legend>
        <div class="field">
          ${editing ? html`<span class="label" id="field-connector-type-label">Connector type</span>` : html`<label for="field-connector-type">Connector type</label>`}
          ${editing
            ? html`<p id="field-connector-type" aria-labelledby="field-connector-type-label">${info.display_name} <span class="muted">(fixed once created)</span></p>`
            : html`<select id="field-connector-type" value=${type} onChange=${(e: Event) => chooseType((e.target as HTMLSelectElement).value)}>
                ${types.map((t) => html`<option value=${t.connector_type}>${t.display_name}</option>`)}
              </select>`}
          ${info.config_schema.description ? html`<p class="help">${info.config_schema.description}</p>` : null}
        </div>
        <div class=${`field${issues.name ? ' invalid' : ''}`}>
          <label for="field-name">Name</label>
          <p class="help" id="field-name-help">How the stream is listed (default: the connector's name).</p>
          <input id="field-name" type="text" value=${name} aria-invalid=${topInvalid('name')} aria-describedby=${describedBy('field-name', 'name', true)}
            onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} />
          ${errorsOf('name', 'field-name')}
        </div>
        ${editing ? null : html`<div class="field field-check">
          <input id="field-enabled" type="checkbox" checked=${enabled} onChange=${(e: Event) => setEnabled((e.target as HTMLInputElement).checked)} />
          <label for="field-enabled">Enabled: start delivering at once</label>
        </div>`}
        <div class=${`field${issues.batch_size ? ' invalid' : ''}`}>
          <label for="field-batch-size">Batch size</label>
          <p class="help" id="field-batch-size-help">Events per request at most, 1–10000. Default: 100.</p>
          <input id="field-batch-size" type="text" inputmode="numeric" placeholder="100" value=${batchSize} aria-invalid=${topInvalid('batch_size')}
            aria-describedby=${describedBy('field-batch-size', 'batch_size', true)} onInput=${(e: Event) => setBatchSize((e.target as HTMLInputElement).value)} />
          ${errorsOf('batch_size', 'field-batch-size')}
        </div>
      </fieldset>
      <fieldset>
        <legend>${info.display_name} settings</legend>
        ${fields.map(renderField)}
      </fieldset>
      <fieldset>
        <legend>Filters</legend>
        <div class=${`field${issues['filters.class_uids'] ? ' invalid' : ''}`}>
          <label for="field-class-uids">OCSF classes</label>
          <p class="help" id="field-class-uids-help">${`Only events of these class_uids, comma-separated. Empty: every class. siemstream publishes ${KNOWN_CLASSES.map((c) => `${c.uid} ${c.caption}`).join(', ')}.`}</p>
          <input id="field-class-uids" type="text" value=${classUids} aria-invalid=${topInvalid('filters.class_uids')}
            aria-describedby=${describedBy('field-class-uids', 'filters.class_uids', true)} onInput=${(e: Event) => setClassUids((e.target as HTMLInputElement).value)} />
          ${errorsOf('filters.class_uids', 'field-class-uids')}
        </div>
        <div class="field">
          <label for="field-min-severity">Minimum severity</label>
          <select id="field-min-severity" value=${minSeverity} onChange=${(e: Event) => setMinSeverity((e.target as HTMLSelectElement).value)}>
            ${SEVERITY_CHOICES.map(([v, t]) => html`<option value=${v}>${t}</option>`)}
          </select>
          ${errorsOf('filters.min_severity_id', 'field-min-severity')}
        </div>
      </fieldset>
      <div class="actions">
        <button type="submit" class="primary" disabled=${busy} data-testid="save-stream">${editing ? 'Save changes' : 'Create stream'}</button>
        <a class="button" href=${editing ? `#/streams/${encodeURIComponent(stream.id)}` : '#/'}>Cancel</a>
      </div>
    </form>
  </section>`;
}
