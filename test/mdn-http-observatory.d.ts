// Types for the parts of @mdn/mdn-http-observatory (which ships none) that test/observatory.ts uses.
declare module '@mdn/mdn-http-observatory' {
  export interface ObservatoryTest {
    pass: boolean | null;
    result: string | null;
    scoreModifier: number | null;
    scoreDescription?: string | null;
    [key: string]: unknown;
  }
  export interface ObservatoryResult {
    scan: {
      algorithmVersion: number;
      grade: string;
      score: number;
      statusCode: number;
      testsFailed: number;
      testsPassed: number;
      testsQuantity: number;
      responseHeaders: Record<string, string>;
      error: string | null;
    };
    tests: Record<string, ObservatoryTest>;
  }
  /** `hostname` may carry ":port"; then both http:// and https:// are fetched on that one port. */
  export function scan(hostname: string, options?: object): Promise<ObservatoryResult>;
}
