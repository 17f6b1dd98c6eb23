/**
 * The application panels on the page: detection and segmentation, each in its <section> of
 * index.html. Their worker starts when one is first used (apps-client.ts).
 */
import { mountDetectionPanel } from './detection-panel.js';
import { mountSegmentationPanel } from './segmentation-panel.js';

export function mountAppPanels(): void {
  const detection = document.getElementById('detection-panel');
  const segmentation = document.getElementById('segmentation-panel');
  if (detection !== null) mountDetectionPanel(detection);
  if (segmentation !== null) mountSegmentationPanel(segmentation);
}
