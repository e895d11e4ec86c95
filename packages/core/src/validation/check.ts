/** One check of a validation, as the report lists it. */
export interface Check {
  id: string;
  title: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
}

export function pass(id: string, title: string, detail: string): Check {
  return { id, title, status: 'pass', detail };
}
export function fail(id: string, title: string, detail: string): Check {
  return { id, title, status: 'fail', detail };
}
export function skip(id: string, title: string, detail: string): Check {
  return { id, title, status: 'skip', detail };
}
