import type { EngineConfig } from '../config';
import type { Detector, DetectorFactory, RecordIds } from './types';
import { createBruteForceDetector } from './bruteForce';
import { createCompromiseDetector } from './compromiseAfterBruteForce';
import { createUrlScanDetector } from './urlScan';
import { createPortScanDetector } from './portScan';
import { createScannerDetector } from './scanner';
import { createWebAttackDetector } from './webAttack';
import { createHighVolumeDetector } from './highVolume';
import { createDataExfiltrationDetector } from './dataExfiltration';
import { createErrorRateDetector } from './errorRate';
import { createOffHoursDetector } from './offHours';
import { createMlOutlierDetector } from './mlOutlier';

/**
 * Every rule, in the order their findings are computed: a detector may read the findings
 * of those before it (compromise-after-brute-force reads brute-force's).
 */
export const DETECTOR_FACTORIES: readonly DetectorFactory[] = [
  createBruteForceDetector,
  createCompromiseDetector,
  createUrlScanDetector,
  createPortScanDetector,
  createScannerDetector,
  createWebAttackDetector,
  createHighVolumeDetector,
  createDataExfiltrationDetector,
  createErrorRateDetector,
  createOffHoursDetector,
  createMlOutlierDetector,
];

/** The enabled detectors for a configuration. */
export function createDetectors(config: EngineConfig, ids?: RecordIds): Detector[] {
  return DETECTOR_FACTORIES.map((make) => make(config, ids)).filter((d) => config.rules[d.rule].enabled);
}
