/** htm bound to Preact: tagged templates instead of JSX, so the console needs no JSX compile step. Values interpolated as children are always text. */
import { h } from 'preact';
import htmModule from 'htm';

// htm's typings are CommonJS-shaped: under NodeNext the default import is the module, whose `default` is htm.
const htm = ((htmModule as unknown as { default?: typeof htmModule }).default ?? htmModule) as unknown as {
  bind<R>(h: (type: any, props: Record<string, any>, ...children: any[]) => R): (strings: TemplateStringsArray, ...values: any[]) => R;
};

export const html = htm.bind(h);
