/** A text label for three.js scenes: a sprite textured with the text drawn on a 2-D canvas. */
import { CanvasTexture, LinearFilter, Sprite, SpriteMaterial } from 'three';

/** A sprite showing `text`, `height` world units tall, always facing the camera. */
export function textSprite(text: string, height: number, color = '#1d2330', font = 'italic 44px Georgia, serif'): Sprite {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('textSprite: no 2D canvas context');
  ctx.font = font;
  const width = Math.ceil(ctx.measureText(text).width) + 16;
  canvas.width = width;
  canvas.height = 64;
  ctx.font = font;
  ctx.fillStyle = color;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, width / 2, 32);
  const texture = new CanvasTexture(canvas);
  texture.minFilter = LinearFilter;
  const sprite = new Sprite(new SpriteMaterial({ map: texture, transparent: true, depthWrite: false }));
  sprite.scale.set((height * width) / 64, height, 1);
  return sprite;
}
