/**
 * The 3-D view of a slice with three.js: a surface z = value over the (x, y) square with
 * vertex colours from the colour map, holes cut out (no triangle touches a masked vertex), a
 * wire box with axis names, orbit controls, and an optional marker line. In `flat` mode (slices of
 * 3-D fields) the coloured plane sits at a fixed height inside the box instead.
 */
import {
  AmbientLight, BufferAttribute, BufferGeometry, Color, DirectionalLight, DoubleSide, Line, LineBasicMaterial,
  LineSegments, Mesh, MeshLambertMaterial, PerspectiveCamera, Scene, WebGLRenderer,
} from 'three';
import type { Sprite } from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { colormap } from '../colormap.js';
import type { ColormapName } from '../colormap.js';
import type { Slice2D } from '../fieldSlices.js';
import { formatNumber } from '../format.js';
import { textSprite } from './textSprite.js';

/** How to place the slice: a height map, or a flat plane at `level` ∈ [0, 1] of the box height. */
export type SurfaceMode = { kind: 'height' } | { kind: 'flat'; level: number };

const HEIGHT = 1.0;
const CLEAR_COLOR = '#fafbfc';

/** A three.js canvas that shows one slice at a time; `show` updates it in place. */
export class SurfaceView {
  readonly canvas: HTMLCanvasElement;
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera: PerspectiveCamera;
  private readonly geometry = new BufferGeometry();
  private readonly marker: Line;
  private labelKey = '';
  private labelGroup: Sprite[] = [];
  private vertexCount = -1;

  constructor(container: HTMLElement, width: number, height: number) {
    this.renderer = new WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.renderer.setSize(width, height);
    this.renderer.setClearColor(new Color(CLEAR_COLOR));
    this.canvas = this.renderer.domElement;
    this.canvas.className = 'surface';
    // After a context loss three.js rebuilds its GL state on restore (clear colour back to black)
    // but draws nothing: set the colour again and draw (three.js's own listener has run first).
    this.canvas.addEventListener('webglcontextrestored', () => {
      this.renderer.setClearColor(new Color(CLEAR_COLOR));
      this.render();
    });
    container.appendChild(this.canvas);
    this.camera = new PerspectiveCamera(32, width / height, 0.05, 50);
    this.camera.position.set(3.1, 2.6, 3.4);
    const controls = new OrbitControls(this.camera, this.canvas);
    controls.target.set(0, HEIGHT * 0.4, 0);
    controls.update();
    controls.addEventListener('change', () => this.render());
    const mesh = new Mesh(this.geometry, new MeshLambertMaterial({ vertexColors: true, side: DoubleSide }));
    this.scene.add(mesh);
    this.scene.add(new AmbientLight(0xffffff, 1.9));
    const sun = new DirectionalLight(0xffffff, 1.4);
    sun.position.set(2, 4, 3);
    this.scene.add(sun);
    this.scene.add(boxLines());
    this.marker = new Line(new BufferGeometry(), new LineBasicMaterial({ color: 0xff3030 }));
    this.scene.add(this.marker);
  }

  /** Shows `slice` coloured over `range`; `markerY` draws a line across at that y value. */
  show(slice: Slice2D, range: [number, number], map: ColormapName, mode: SurfaceMode, zName: string, markerY?: number): void {
    const nx = slice.xs.length, ny = slice.ys.length;
    const [lo, hi] = range;
    const positions = new Float32Array(nx * ny * 3);
    const colors = new Float32Array(nx * ny * 3);
    const x0 = slice.xs[0]!, x1 = slice.xs[nx - 1]!, y0 = slice.ys[0]!, y1 = slice.ys[ny - 1]!;
    const height = (v: number): number =>
      mode.kind === 'flat' ? mode.level * HEIGHT : Number.isFinite(v) ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) * HEIGHT : 0;
    for (let ix = 0; ix < nx; ix++) {
      for (let iy = 0; iy < ny; iy++) {
        const k = ix * ny + iy;
        const v = slice.values[k]!;
        positions[3 * k] = ((slice.xs[ix]! - x0) / (x1 - x0)) * 2 - 1;
        positions[3 * k + 1] = height(v);
        positions[3 * k + 2] = -(((slice.ys[iy]! - y0) / (y1 - y0)) * 2 - 1);
        const c = colormap(map, (v - lo) / (hi - lo));
        colors[3 * k] = c[0] / 255; colors[3 * k + 1] = c[1] / 255; colors[3 * k + 2] = c[2] / 255;
      }
    }
    const index: number[] = [];
    const inside = (ix: number, iy: number): boolean => slice.inside[ix * ny + iy] === 1 && Number.isFinite(slice.values[ix * ny + iy]!);
    for (let ix = 0; ix + 1 < nx; ix++) {
      for (let iy = 0; iy + 1 < ny; iy++) {
        const a = ix * ny + iy, b = (ix + 1) * ny + iy, c = (ix + 1) * ny + iy + 1, d = ix * ny + iy + 1;
        if (inside(ix, iy) && inside(ix + 1, iy) && inside(ix + 1, iy + 1)) index.push(a, b, c);
        if (inside(ix, iy) && inside(ix + 1, iy + 1) && inside(ix, iy + 1)) index.push(a, c, d);
      }
    }
    this.geometry.setAttribute('position', new BufferAttribute(positions, 3));
    this.geometry.setAttribute('color', new BufferAttribute(colors, 3));
    this.geometry.setIndex(index);
    this.geometry.computeVertexNormals();
    this.vertexCount = nx * ny;
    this.updateMarker(slice, positions, markerY);
    const zRange: [number, number] = mode.kind === 'flat' ? [NaN, NaN] : range;
    this.setLabels(slice, zName, zRange);
    this.render();
  }

  /** Draws the current picture. */
  render(): void {
    this.renderer.render(this.scene, this.camera);
  }

  private updateMarker(slice: Slice2D, positions: Float32Array, markerY: number | undefined): void {
    const ny = slice.ys.length;
    if (markerY === undefined) { this.marker.visible = false; return; }
    let iy = 0;
    for (let k = 1; k < ny; k++) if (Math.abs(slice.ys[k]! - markerY) < Math.abs(slice.ys[iy]! - markerY)) iy = k;
    const points = new Float32Array(slice.xs.length * 3);
    for (let ix = 0; ix < slice.xs.length; ix++) {
      const k = ix * ny + iy;
      points[3 * ix] = positions[3 * k]!;
      points[3 * ix + 1] = positions[3 * k + 1]! + 0.01;
      points[3 * ix + 2] = positions[3 * k + 2]!;
    }
    this.marker.geometry.setAttribute('position', new BufferAttribute(points, 3));
    this.marker.geometry.computeBoundingSphere();
    this.marker.visible = true;
  }

  private setLabels(slice: Slice2D, zName: string, zRange: [number, number]): void {
    const x0 = slice.xs[0]!, x1 = slice.xs[slice.xs.length - 1]!, y0 = slice.ys[0]!, y1 = slice.ys[slice.ys.length - 1]!;
    const key = [slice.xName, slice.yName, zName, x0, x1, y0, y1, ...zRange].join('|');
    if (key === this.labelKey) return;
    for (const old of this.labelGroup) this.scene.remove(old);
    // Tick labels sit off the box edges, each end moved apart from the neighbouring axis's labels at the shared corner.
    const tick = '40px system-ui, sans-serif';
    const size = 0.13;
    const at = (s: Sprite, x: number, y: number, z: number): Sprite => { s.position.set(x, y, z); return s; };
    this.labelGroup = [
      at(textSprite(slice.xName, 0.18), 0, -0.12, 1.36),
      at(textSprite(formatNumber(x0, 3), size, '#555', tick), -0.92, -0.1, 1.2),
      at(textSprite(formatNumber(x1, 3), size, '#555', tick), 0.92, -0.1, 1.2),
      at(textSprite(slice.yName, 0.18), 1.36, -0.12, 0),
      at(textSprite(formatNumber(y0, 3), size, '#555', tick), 1.2, -0.1, 0.92),
      at(textSprite(formatNumber(y1, 3), size, '#555', tick), 1.2, -0.1, -0.92),
      at(textSprite(zName, 0.18), -1.0, HEIGHT + 0.16, 1),
    ];
    if (Number.isFinite(zRange[0])) {
      this.labelGroup.push(
        at(textSprite(formatNumber(zRange[0], 3), size, '#555', tick), -1.32, 0.06, 1),
        at(textSprite(formatNumber(zRange[1], 3), size, '#555', tick), -1.32, HEIGHT, 1),
      );
    }
    this.scene.add(...this.labelGroup);
    this.labelKey = key;
  }

  /** Number of grid vertices of the last slice (for tests and sanity checks). */
  get vertices(): number { return this.vertexCount; }
}

/** The 12 edges of the box [−1, 1] × [0, HEIGHT] × [−1, 1]. */
function boxLines(): LineSegments {
  const c = [-1, 1];
  const pts: number[] = [];
  for (const y of [0, HEIGHT]) for (const x of c) pts.push(x, y, -1, x, y, 1);
  for (const y of [0, HEIGHT]) for (const z of c) pts.push(-1, y, z, 1, y, z);
  for (const x of c) for (const z of c) pts.push(x, 0, z, x, HEIGHT, z);
  const g = new BufferGeometry();
  g.setAttribute('position', new BufferAttribute(new Float32Array(pts), 3));
  return new LineSegments(g, new LineBasicMaterial({ color: 0xb0b6c0 }));
}
