import { expect, test } from 'bun:test'
import { EventQueue } from './event-queue.ts'

test('events come out by time, equal times in the order they were pushed', () => {
  const q = new EventQueue<string>()
  const times = [5, 1, 3, 1, 9, 3, 0, 7]
  times.forEach((t, i) => q.push(t, `${t}:${i}`))
  const out: string[] = []
  for (let e = q.pop(); e; e = q.pop()) out.push(e.event)
  expect(out).toEqual(['0:6', '1:1', '1:3', '3:2', '3:5', '5:0', '7:7', '9:4'])
  expect(q.size).toBe(0)
})
