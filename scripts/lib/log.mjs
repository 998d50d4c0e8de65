// Console output of the set-up scripts: one prefix, colours only on a terminal.
const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);

export const log = {
  step: (text) => console.log(`${paint("36", "[kubelab]")} ${text}`),
  ok: (text) => console.log(`${paint("32", "[kubelab]")} ${text}`),
  warn: (text) => console.warn(`${paint("33", "[kubelab]")} ${text}`),
  error: (text) => console.error(`${paint("31", "[kubelab]")} ${text}`),
};
