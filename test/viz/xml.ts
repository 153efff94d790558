/**
 * A strict little XML well-formedness check for the SVG tests: every tag closes in order,
 * attributes are quoted and unique, entities are the predefined or numeric ones. Returns the
 * element names in document order.
 */
export function checkXml(text: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token = /<!--[\s\S]*?-->|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g;
  let match: RegExpExecArray | null;
  while ((match = token.exec(body)) !== null) {
    const [whole, closing, name, attrs, selfClosing] = match;
    if (whole.startsWith('<!--')) continue;
    if (whole === '<') throw new Error(`checkXml: malformed tag at offset ${match.index}: ${body.slice(match.index, match.index + 40)}`);
    if (whole.startsWith('&')) throw new Error(`checkXml: bad entity at offset ${match.index}: ${body.slice(match.index, match.index + 12)}`);
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`checkXml: </${name}> closes <${open ?? 'nothing'}>`);
      continue;
    }
    const seen = new Set<string>();
    for (const a of (attrs ?? '').matchAll(/([^\s=]+)\s*=/g)) {
      if (seen.has(a[1]!)) throw new Error(`checkXml: duplicate attribute ${a[1]} on <${name}>`);
      seen.add(a[1]!);
    }
    names.push(name!);
    if (!selfClosing) stack.push(name!);
  }
  if (stack.length) throw new Error(`checkXml: unclosed <${stack.join('>, <')}>`);
  return names;
}
