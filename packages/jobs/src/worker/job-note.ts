/** A line of the platform's own in a job's log, told apart from the program's output. */
export const note = (text: string): string => `[job-runner] ${text}\n`;
