import type { KnowledgeBaseInput } from '../functions/core/faq/knowledge-base';

/** Written for the tests; the FAQ detection and answer tests share it. */
/**
 * A demo airline: AMS, JFK, LHR; fares AMS-JFK and AMS-LHR; a service desk and a lounge at Schiphol.
 * `checkedAt` dates the opening hours; `lhrOneWay` prices AMS-LHR in that direction only.
 */
export const demoKnowledgeBase = (
  options: { checkedAt?: string; lhrOneWay?: boolean } = {},
): KnowledgeBaseInput => ({
  places: [
    { code: 'AMS', names: ['Amsterdam', 'Schiphol', 'Amsterdam Schiphol', "A'dam"] },
    { code: 'JFK', names: ['New York', 'NYC', 'NY', 'New York City', 'Kennedy'] },
    { code: 'LHR', names: ['London', 'Heathrow', 'London Heathrow'] },
  ],
  fares: [
    {
      from: 'AMS',
      to: 'JFK',
      lowestReturnFare: { amount: 489, currency: 'EUR' },
      deepLink: 'https://www.demoair.example/book?from=AMS&to=JFK',
      checkedAt: '2026-11-23T08:00:00Z',
    },
    {
      from: 'AMS',
      to: 'LHR',
      lowestReturnFare: { amount: 119, currency: 'EUR' },
      deepLink: 'https://www.demoair.example/book?from=AMS&to=LHR',
      checkedAt: '2026-11-23T08:00:00Z',
      ...(options.lhrOneWay ? { bothDirections: false } : {}),
    },
  ],
  locations: [
    {
      id: 'service-desk',
      name: 'DemoAir Service Desk Schiphol',
      aliases: ['service desk', 'desk', 'ticket desk', 'servicedesk'],
      place: 'AMS',
      hours: {
        timezone: 'Europe/Amsterdam',
        weekly: {
          mon: ['06:00-22:00'],
          tue: ['06:00-22:00'],
          wed: ['06:00-22:00'],
          thu: ['06:00-22:00'],
          fri: ['06:00-22:00'],
          sat: ['07:00-20:00'],
          sun: ['07:00-20:00'],
        },
        exceptions: [
          { date: '2026-12-24', name: 'Christmas Eve', hours: ['06:00-16:00'] },
          { date: '2026-12-25', name: 'Christmas Day', hours: [] },
        ],
      },
      checkedAt: options.checkedAt ?? '2026-11-01T09:00:00Z',
    },
    {
      id: 'lounge',
      name: 'DemoAir Lounge Schiphol',
      aliases: ['lounge', 'demoair lounge', 'business lounge'],
      place: 'AMS',
      hours: {
        timezone: 'Europe/Amsterdam',
        weekly: {
          mon: ['05:30-13:00', '15:00-22:00'],
          tue: ['05:30-13:00', '15:00-22:00'],
          wed: ['05:30-13:00', '15:00-22:00'],
          thu: ['05:30-13:00', '15:00-22:00'],
          fri: ['05:30-13:00', '15:00-22:00'],
          sat: ['07:00-13:00', '18:00-02:00'],
          sun: ['07:00-22:00'],
        },
        exceptions: [
          { date: '2026-12-24', name: 'Christmas Eve', hours: ['05:30-16:00'] },
          { date: '2026-12-25', name: 'Christmas Day', hours: [] },
        ],
      },
      checkedAt: options.checkedAt ?? '2026-11-01T09:00:00Z',
    },
  ],
  allowedLinkDomains: ['demoair.example'],
});
